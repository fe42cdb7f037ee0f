import type { TraceSpan, Tracing } from '@lib/tracing';
import type { SkillRequestMetrics } from '../metrics/skill-request.metrics';
import type { SkillInvocationReport } from './alexa-skill.service';

const HANDLER_SPAN = 'alexa.handler';
const NO_ATTRIBUTES = Object.freeze({});

/**
 * Runs the skill's answer to one envelope in the `alexa.handler` span: request type and intent as the metrics
 * bound them (unknown ones are `other`), the handler class and the outcome; the apology marks it failed.
 * Handler guards, state-store calls and upstream calls are its children.
 */
export function inHandlerSpan<R extends { report: SkillInvocationReport }>(
  tracing: Tracing,
  metrics: SkillRequestMetrics,
  answer: () => Promise<R>,
): Promise<R> {
  if (!tracing.enabled) return answer();
  return tracing.inSpan(HANDLER_SPAN, NO_ATTRIBUTES, async (span: TraceSpan) => {
    const answered = await answer();
    const { report } = answered;
    span.setAttribute('alexa.request.type', metrics.requestTypeLabel(report.requestType));
    span.setAttribute('alexa.intent.name', report.intent && metrics.intentLabel(report.intent));
    span.setAttribute('alexa.handler', report.handler);
    span.setAttribute('alexa.outcome', report.outcome);
    if (report.outcome !== 'ok') span.fail(report.outcome);
    return answered;
  });
}
