import { Inject, Injectable } from '@nestjs/common';
import { counter, METRICS_REGISTRY } from '@lib/metrics';
import type { Counter, Registry } from 'prom-client';
import { ACCOUNT_LINKING_SETTINGS } from '../account-linking.constants';
import type { AccountLinkingSettings } from '../account-linking-options.interface';

/** Metric names of the linking funnel: the dashboard and the alerts depend on them. */
export const ACCOUNT_LINKING_METRIC_NAMES = {
  checks: 'alexa_account_link_checks_total',
  cards: 'alexa_account_link_cards_total',
  events: 'alexa_account_link_events_total',
  tokenFailures: 'alexa_token_failures_total',
  tokenVerdicts: 'alexa_account_link_token_verdicts_total',
} as const;

export type LinkCheckResult = 'linked' | 'unlinked' | 'malformed';
export type LinkCardReason = 'missing_token' | 'token_rejected' | 'malformed_token';
export type AccountLinkEventLabel =
  'linked' | 'enabled' | 'disabled' | 'permission_accepted' | 'permission_changed';
export type TokenFailureReason = 'missing' | 'malformed' | 'rejected' | 'forbidden' | 'refresh_needed';
/** What the first upstream answer to a request's token said: served (accepted), 401 (rejected), 403 (forbidden). */
export type TokenVerdict = 'accepted' | 'rejected' | 'forbidden';

const CHECK_RESULTS: readonly LinkCheckResult[] = ['linked', 'unlinked', 'malformed'];
const TOKEN_VERDICTS: readonly TokenVerdict[] = ['accepted', 'rejected', 'forbidden'];
const CARD_REASONS: readonly LinkCardReason[] = ['missing_token', 'token_rejected', 'malformed_token'];
const EVENT_LABELS: readonly AccountLinkEventLabel[] = [
  'linked',
  'enabled',
  'disabled',
  'permission_accepted',
  'permission_changed',
];
const TOKEN_FAILURE_REASONS: readonly TokenFailureReason[] = [
  'missing',
  'malformed',
  'rejected',
  'forbidden',
  'refresh_needed',
];

/**
 * The linking-funnel counters. Every label value comes from code (handler class names, provider names
 * given to clients or options, the fixed enums above), never from the wire, so cardinality stays bounded.
 */
@Injectable()
export class AccountLinkingMetrics {
  private readonly checks: Counter<'handler' | 'result'>;
  private readonly cards: Counter<'handler' | 'reason'>;
  private readonly events: Counter<'event'>;
  private readonly tokenFailures: Counter<'provider' | 'reason'>;
  private readonly tokenVerdicts: Counter<'handler' | 'verdict'>;
  private readonly defaultProvider: string;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(ACCOUNT_LINKING_SETTINGS) settings: AccountLinkingSettings,
  ) {
    this.defaultProvider = settings.defaultProvider;
    this.checks = counter(registry, {
      name: ACCOUNT_LINKING_METRIC_NAMES.checks,
      help: 'Account-linking checks on handlers that require a linked account, by handler and result.',
      labelNames: ['handler', 'result'],
    });
    this.cards = counter(registry, {
      name: ACCOUNT_LINKING_METRIC_NAMES.cards,
      help: 'LinkAccount cards sent, by the handler that needed the account and the reason.',
      labelNames: ['handler', 'reason'],
    });
    this.events = counter(registry, {
      name: ACCOUNT_LINKING_METRIC_NAMES.events,
      help: 'Skill events received (each Amazon request ID once, redeliveries not counted), by event.',
      labelNames: ['event'],
    });
    this.tokenFailures = counter(registry, {
      name: ACCOUNT_LINKING_METRIC_NAMES.tokenFailures,
      help: 'Access-token problems, by provider and reason.',
      labelNames: ['provider', 'reason'],
    });
    this.tokenVerdicts = counter(registry, {
      name: ACCOUNT_LINKING_METRIC_NAMES.tokenVerdicts,
      help:
        'Requests to handlers that require a linked account, made with a token, by what the first upstream ' +
        'answer to the token said (accepted, rejected: 401, forbidden: 403); at most one per request.',
      labelNames: ['handler', 'verdict'],
    });
    // Series that exist from start-up, so rate() and increase() see the first event of a kind.
    for (const event of EVENT_LABELS) this.events.inc({ event }, 0);
    for (const reason of TOKEN_FAILURE_REASONS) {
      this.tokenFailures.inc({ provider: this.defaultProvider, reason }, 0);
    }
  }

  /**
   * Creates a protected handler's funnel series at 0 at start-up: a series born between two scrapes with a
   * value above 0 loses those first increments to rate() and increase(), and the link rate would be wrong
   * after every pod start.
   */
  registerProtectedHandler(handler: string, provider: string = this.defaultProvider): void {
    for (const result of CHECK_RESULTS) this.checks.inc({ handler, result }, 0);
    for (const reason of CARD_REASONS) this.cards.inc({ handler, reason }, 0);
    for (const verdict of TOKEN_VERDICTS) this.tokenVerdicts.inc({ handler, verdict }, 0);
    for (const reason of TOKEN_FAILURE_REASONS) this.tokenFailures.inc({ provider, reason }, 0);
  }

  check(handler: string, result: LinkCheckResult): void {
    this.checks.inc({ handler, result });
  }

  /** Counts what an upstream said about a protected request's token; the guard calls it once per request. */
  tokenVerdict(handler: string, verdict: TokenVerdict): void {
    this.tokenVerdicts.inc({ handler, verdict });
  }

  card(handler: string, reason: LinkCardReason): void {
    this.cards.inc({ handler, reason });
  }

  event(event: AccountLinkEventLabel): void {
    this.events.inc({ event });
  }

  /**
   * Counts a token problem. Domain clients may call it too, e.g. with `refresh_needed` when an upstream says
   * the token expired (Alexa refreshes linked tokens itself; the count shows how often it was too late).
   * @param provider code-given provider name; the module's `defaultProvider` when omitted
   */
  tokenFailure(reason: TokenFailureReason, provider: string = this.defaultProvider): void {
    this.tokenFailures.inc({ provider, reason });
  }
}
