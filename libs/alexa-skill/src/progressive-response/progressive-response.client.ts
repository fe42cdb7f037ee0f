import { Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { EnvelopeFacts } from '@lib/alexa-protocol';
import type { ResilientHttpClient } from '@lib/resilient-http';
import { NOOP_TRACING, type TraceSpan, type Tracing } from '@lib/tracing';
import { allowsAnyEndpoint, checkApiEndpoint } from '../alexa-api/alexa-api-endpoint';
import type { ProgressiveResponseOptions } from './progressive-response-options.interface';

/** Where and for which request a progressive response is sent; all of it comes from the request's facts. */
export interface ProgressiveResponseTarget {
  /** `context.System.apiEndpoint`, e.g. `https://api.eu.amazonalexa.com`. */
  apiEndpoint: string;
  /** `context.System.apiAccessToken`; never logged. */
  apiAccessToken: string;
  /** `request.requestId` of the request being answered. */
  requestId: string;
  /** Absolute time (epoch ms) after which the interim speech is useless (the final answer is due). */
  deadline?: number;
}

/** The envelope facts read by {@link progressiveTargetFrom} (`SkillRequestContext.facts` fits). */
export type ProgressiveResponseFacts = Pick<
  EnvelopeFacts,
  'type' | 'requestId' | 'apiEndpoint' | 'apiAccessToken'
>;

/** The span of one progressive response; the directive call's `upstream.call` span is its child. */
const PROGRESSIVE_RESPONSE_SPAN = 'alexa.progressive_response';
const NO_ATTRIBUTES = Object.freeze({});

/** Request types Amazon accepts progressive responses for. */
const PROGRESSIVE_REQUEST_TYPES: ReadonlySet<string> = new Set(['LaunchRequest', 'IntentRequest']);

/**
 * The target for a progressive response, or undefined when the request may not have one (only Launch and
 * Intent requests may) or lacks the endpoint, token or request ID.
 */
export function progressiveTargetFrom(
  facts: ProgressiveResponseFacts,
  deadline?: number,
): ProgressiveResponseTarget | undefined {
  const { type, requestId, apiEndpoint, apiAccessToken } = facts;
  if (!PROGRESSIVE_REQUEST_TYPES.has(type)) return undefined;
  if (!apiEndpoint || !apiAccessToken || !requestId) return undefined;
  return { apiEndpoint, apiAccessToken, requestId, deadline };
}

/**
 * Sends Alexa "one moment" speech while slow work runs, through the directive API
 * (`POST {apiEndpoint}/v1/directives`, `VoicePlayer.Speak`,
 * https://developer.amazon.com/en-US/docs/alexa/custom-skills/send-the-user-a-progressive-response.html).
 * Fire-and-forget: it never throws into the caller and never delays the final answer.
 */
export class ProgressiveResponseClient implements OnApplicationShutdown {
  private readonly logger = new Logger(ProgressiveResponseClient.name);
  private readonly delayMs: number;
  private readonly allowAnyEndpoint: boolean;

  constructor(
    private readonly http: ResilientHttpClient,
    options: ProgressiveResponseOptions = {},
    private readonly tracing: Tracing = NOOP_TRACING,
  ) {
    this.delayMs = options.delayMs ?? 1000;
    this.allowAnyEndpoint = allowsAnyEndpoint('ProgressiveResponse', options);
  }

  /**
   * Sends the speech now. Resolves true when Alexa accepted it, false otherwise (bad endpoint, upstream
   * failure); never rejects. Traced as `alexa.progressive_response` (`alexa.progressive_response.sent`).
   */
  send(target: ProgressiveResponseTarget, speech: string): Promise<boolean> {
    return this.tracing.inSpan(PROGRESSIVE_RESPONSE_SPAN, NO_ATTRIBUTES, async (span) => {
      const sent = await this.sendDirective(target, speech, span);
      span.setAttribute('alexa.progressive_response.sent', sent);
      return sent;
    });
  }

  private async sendDirective(
    target: ProgressiveResponseTarget,
    speech: string,
    span: TraceSpan,
  ): Promise<boolean> {
    const base = checkApiEndpoint(target.apiEndpoint, this.allowAnyEndpoint);
    if (base === undefined) {
      this.logger.warn('progressive response skipped: apiEndpoint is not an Alexa API host');
      span.fail('endpoint_refused');
      return false;
    }
    try {
      await this.http.request({
        operation: 'progressive_response',
        method: 'POST',
        url: `${base}/v1/directives`,
        accessToken: target.apiAccessToken,
        data: { header: { requestId: target.requestId }, directive: { type: 'VoicePlayer.Speak', speech } },
        deadline: target.deadline,
      });
      return true;
    } catch (error) {
      this.logger.warn(`progressive response failed: ${(error as Error).message}`);
      span.fail((error as Error).name);
      return false;
    }
  }

  /**
   * Runs the work; if it is still running after `delayMs` (default from the options), sends the speech
   * without waiting for it. The timer is cancelled as soon as the work settles, and the work's own result
   * (or error) is returned unchanged. Without a target (e.g. not a Launch or Intent request) it only runs
   * the work.
   */
  async during<T>(
    target: ProgressiveResponseTarget | undefined,
    speech: string,
    work: Promise<T> | (() => Promise<T>),
    options: { delayMs?: number } = {},
  ): Promise<T> {
    const pending = typeof work === 'function' ? work() : work;
    if (target === undefined) return pending;
    const timer = setTimeout(() => void this.send(target, speech), options.delayMs ?? this.delayMs);
    try {
      return await pending;
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.http.onApplicationShutdown();
  }
}
