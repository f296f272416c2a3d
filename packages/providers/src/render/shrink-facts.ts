/** How long each fact value may be, and how many facts are shown. */
export interface FactLimits {
  valueMax: number;
  factCount: number;
}

/** Resource, actor, team and time: the facts an event message keeps however little room there is. */
const CORE_FACTS = 4;
const FIRST_VALUE_MAX = 1_000;
/** Below this a fact value says too little; facts are dropped instead. */
const MIN_VALUE_MAX = 60;

/**
 * Renders an event message that must fit a size limit no single value
 * decides: fact values are halved (down to 60 characters) first, then
 * `factStep` facts at a time are dropped down to the core four, until the
 * message `fits`. The smallest form is the last word.
 */
export function shrinkFactsToFit<M>(
  render: (limits: FactLimits) => M,
  fits: (message: M) => boolean,
  options: { maxFacts: number; factStep: number },
): M {
  let valueMax = FIRST_VALUE_MAX;
  let factCount = options.maxFacts;
  for (;;) {
    const message = render({ valueMax, factCount });
    if (fits(message)) return message;
    if (valueMax > MIN_VALUE_MAX) valueMax = Math.max(MIN_VALUE_MAX, Math.floor(valueMax / 2));
    else if (factCount > CORE_FACTS) factCount = Math.max(CORE_FACTS, factCount - options.factStep);
    else return render({ valueMax: MIN_VALUE_MAX, factCount: CORE_FACTS });
  }
}
