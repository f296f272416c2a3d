import type { ChannelId, DeliveryId } from '@wrenn/events';
import type { SendOutcome } from '@wrenn/providers';
import type { Logger } from '@wrenn/runtime';
import type { WorkerMetrics } from '../worker-metrics';
import type { RecordedAttempt } from './attempt-writer';
import { permanentCause } from './auto-disable';

export interface AttemptReport {
  provider: string;
  /** For the log lines. */
  channelId: ChannelId;
  deliveryId: DeliveryId;
  outcome: SendOutcome;
  final: boolean;
  latencyMs: number;
  recorded: Extract<RecordedAttempt, { kind: 'recorded' }>;
}

/**
 * Metrics and log lines of a recorded attempt. A provider refusing the message
 * we rendered is our bug, not the destination's: it is logged as an error and
 * counted in `wrenn_render_rejections_total`, so it is seen even though it
 * never disables a channel.
 */
export function reportAttempt(deps: { metrics: WorkerMetrics; logger: Logger }, report: AttemptReport): void {
  const { provider, outcome } = report;
  deps.metrics.attemptDuration.observe({ provider }, report.latencyMs / 1000);
  const { firstSuccessAfterSeconds } = report.recorded;
  if (firstSuccessAfterSeconds !== null) {
    deps.metrics.deliveryLatency.observe({ provider }, Math.max(0, firstSuccessAfterSeconds));
  }
  deps.metrics.deliveries.inc({
    provider,
    outcome: outcome.kind === 'ok' ? 'succeeded' : report.final ? 'failed' : 'retry',
  });
  if (outcome.kind === 'permanent' && permanentCause(outcome) === 'message') {
    deps.metrics.renderRejections.inc({ provider });
    deps.logger.error(
      {
        channel: report.channelId,
        delivery: report.deliveryId,
        provider,
        statusCode: outcome.statusCode,
        reason: outcome.reason,
      },
      'provider rejected the rendered message',
    );
  }
  const { disabled } = report.recorded;
  if (disabled) {
    deps.metrics.channelsAutoDisabled.inc({ provider });
    deps.logger.warn({ channel: report.channelId, reason: disabled.reason }, 'channel auto-disabled');
  }
}
