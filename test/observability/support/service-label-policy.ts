import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { VERIFICATION_CHECKS } from '@lib/alexa-verification';
import type { UpstreamOutcome } from '@lib/resilient-http';
import type { LinkCardReason, LinkCheckResult, TokenFailureReason, TokenVerdict } from '@lib/account-linking';
import type { AccountLinkEventLabel } from '@lib/account-linking';
// Internals on purpose: the allowed values are exactly what the app registered at start-up.
import { SkillHandlerRegistry } from '../../../libs/alexa-skill/src/handlers/skill-handler.registry';
import { KNOWN_REQUEST_TYPES } from '@lib/alexa-protocol';
import { CLIENT_ABORT_KINDS } from '../../../libs/service-runtime/src/http/client-aborts';
import type { LabelAllowList } from './metric-conventions';

/** Lists that must name every member of a string union (a new member that is missing fails to compile). */
function everyMember<T extends string>() {
  return <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never),
  ) => list;
}

export const SKILL_OUTCOMES = ['ok', 'handler_error', 'rejected'] as const;
export const UPSTREAM_OUTCOMES = everyMember<UpstreamOutcome>()([
  'success',
  'rejected_token',
  'forbidden',
  'rate_limited',
  'client_error',
  'bad_response',
  'circuit_open',
  'bulkhead_full',
  'timeout',
  'budget_exhausted',
  'server_error',
  'network',
  'aborted',
  'error',
]);
export const LINK_CHECK_RESULTS = everyMember<LinkCheckResult>()(['linked', 'unlinked', 'malformed']);
export const LINK_CARD_REASONS = everyMember<LinkCardReason>()([
  'missing_token',
  'token_rejected',
  'malformed_token',
]);
export const TOKEN_VERDICTS = everyMember<TokenVerdict>()(['accepted', 'rejected', 'forbidden']);
export const TOKEN_FAILURE_REASONS = everyMember<TokenFailureReason>()([
  'missing',
  'malformed',
  'rejected',
  'forbidden',
  'refresh_needed',
]);
export const LINK_EVENTS = everyMember<AccountLinkEventLabel>()([
  'linked',
  'enabled',
  'disabled',
  'permission_accepted',
  'permission_changed',
]);
export const CIRCUIT_STATES = ['closed', 'half_open', 'open'] as const;
export const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** Names given in code: a class name, a client's provider name, an operation name. */
const CLASS_NAME = /^[A-Z][A-Za-z0-9]*$/;
const PROVIDER_NAME = /^[a-z][a-z0-9-]*$/;
const OPERATION_NAME = /^[a-z][a-z0-9_]*$/;
const HTTP_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * The labels the service's own metrics may carry, with the values each may take in this app: wire-derived
 * labels (request type, intent, route) only take values the app registered or the fallback, every other
 * label takes values written in code.
 */
export function serviceLabelPolicy(app: INestApplication): LabelAllowList {
  const registry = app.get(SkillHandlerRegistry, { strict: false });
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const handlerNames = new Set(
    [...registry.byRequestType.values(), ...registry.byIntent.values(), ...registry.byEvent.values()].map(
      (h) => h.handlerName,
    ),
  );
  const isRoute = (value: string) =>
    value === 'unmatched' || HTTP_METHODS.some((method) => fastify.hasRoute({ method, url: value }));
  return {
    request_type: {
      bound: 'request types Amazon documents, else "other"',
      values: [...KNOWN_REQUEST_TYPES, 'other'],
    },
    intent: {
      bound: 'intents some handler registered, "none" for other requests, else "other"',
      values: [...registry.intentNames(), 'none', 'other'],
    },
    outcome: {
      bound: 'fixed outcome enums',
      values: { alexa_requests_total: SKILL_OUTCOMES, upstream_requests_total: UPSTREAM_OUTCOMES },
    },
    route: { bound: 'registered route patterns, else "unmatched"', values: isRoute },
    status_class: { bound: 'one per hundred', values: STATUS_CLASSES },
    check: { bound: 'the named verification checks', values: VERIFICATION_CHECKS },
    handler: {
      bound: 'handler classes discovered at start-up',
      values: (value: string) => CLASS_NAME.test(value) && handlerNames.has(value),
    },
    result: { bound: 'linked | unlinked | malformed', values: LINK_CHECK_RESULTS },
    verdict: { bound: 'accepted | rejected | forbidden', values: TOKEN_VERDICTS },
    reason: {
      bound: 'fixed reason enums; retries by retryable status or failure kind',
      values: {
        alexa_account_link_cards_total: LINK_CARD_REASONS,
        alexa_token_failures_total: TOKEN_FAILURE_REASONS,
        upstream_retries_total: /^([1-5]\d\d|timeout|network)$/,
        http_requests_aborted_total: [...new Set(CLIENT_ABORT_KINDS.map((kind) => kind.reason))],
      },
    },
    phase: {
      bound: 'where a request was when its connection closed',
      values: [...new Set(CLIENT_ABORT_KINDS.map((kind) => kind.phase))],
    },
    event: { bound: 'the five account-link skill events', values: LINK_EVENTS },
    provider: { bound: 'provider names given in code', values: PROVIDER_NAME },
    operation: { bound: 'operation names given in code', values: OPERATION_NAME },
    from: { bound: 'breaker states', values: CIRCUIT_STATES },
    to: { bound: 'breaker states', values: CIRCUIT_STATES },
  };
}

/** Labels of prom-client's default process metrics (bounded by V8 and Node, not by us), for a name prefix. */
export function defaultMetricLabels(prefix = ''): LabelAllowList {
  const versionInfo = `${prefix}nodejs_version_info`;
  return {
    kind: { bound: 'GC kinds', values: ['major', 'minor', 'incremental', 'weakcb'] },
    space: { bound: 'V8 heap spaces', values: /^[a-z_]+$/ },
    type: { bound: 'libuv resource types', values: /^[A-Za-z]+$/ },
    version: { bound: 'one Node version per process', values: { [versionInfo]: /^v\d+\.\d+\.\d+/ } },
    major: { bound: 'one Node version per process', values: { [versionInfo]: /^\d+$/ } },
    minor: { bound: 'one Node version per process', values: { [versionInfo]: /^\d+$/ } },
    patch: { bound: 'one Node version per process', values: { [versionInfo]: /^\d+$/ } },
  };
}

/** prom-client's default metric families, with the configured prefix. */
export function isDefaultMetric(prefix = ''): (name: string) => boolean {
  return (name) => name.startsWith(`${prefix}nodejs_`) || name.startsWith(`${prefix}process_`);
}
