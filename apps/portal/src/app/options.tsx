/** The `<option>`s of a `<select>`, one per value, shown as `label` gives it (the value itself by default). */
export function Options<V extends string>({
  values,
  label = (value) => value,
}: {
  values: readonly V[];
  label?: (value: V) => string;
}) {
  return values.map((value) => (
    <option key={value} value={value}>
      {label(value)}
    </option>
  ));
}
