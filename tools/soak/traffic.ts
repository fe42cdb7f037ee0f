// The soak's request mix: what real traffic to a public skill endpoint looks like over a long run (linked and
// unlinked users, skill events and Amazon's redeliveries of them) plus what an attacker or a broken client
// sends (bad signatures, tampered bodies, replays, wrong content types, garbage, unknown routes).
// Each request says what answer is correct, so the soak can count wrong answers, not only errors.
import { randomUUID } from 'node:crypto';
import { alexaRequest, type AlexaRequestBuilder } from '../alexa-request/envelope.ts';
import { signRequest, type SigningIdentity } from '../alexa-request/sign.ts';
import { SKILL_EVENT_TYPES } from '../../libs/alexa-protocol/src/kinds/request-kinds.ts';

export type Expectation = '200' | '4xx';

export interface SoakRequest {
  /** Bounded label for the report, e.g. `linked:PlayMusicIntent`. */
  readonly kind: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly expect: Expectation;
}

interface Weighted {
  readonly weight: number;
  readonly make: () => SoakRequest;
}

export interface TrafficOptions {
  readonly identity: SigningIdentity;
  /** Access token the fake music API accepts. */
  readonly token: string;
  /** Where progressive responses go (the fake API's directive endpoint). */
  readonly apiEndpoint: string;
}

const QUERIES = ['Queen', 'daft punk', 'One More Time', 'zzz no such band', 'Bohemian Rhapsody'];

/** A generator of the mix; `next()` gives one ready-to-send request (freshly stamped and signed). */
export class Traffic {
  private readonly options: TrafficOptions;
  private readonly mix: readonly Weighted[];
  private readonly totalWeight: number;
  private serial = 0;
  /** Recently answered request bodies, replayed later (a replay must be refused, an event redelivery acknowledged). */
  private readonly sentEvents: SoakRequest[] = [];
  private readonly sentRequests: SoakRequest[] = [];

  constructor(options: TrafficOptions) {
    this.options = options;
    const linked =
      (kind: string, build: () => AlexaRequestBuilder): Weighted['make'] =>
      () =>
        this.signed(`linked:${kind}`, build().linked(options.token));
    this.mix = [
      { weight: 14, make: linked('WhatsPlayingIntent', () => alexaRequest().intent('WhatsPlayingIntent')) },
      {
        weight: 14,
        make: linked('PlayMusicIntent', () =>
          alexaRequest().intent('PlayMusicIntent', { query: QUERIES[this.serial % QUERIES.length] }),
        ),
      },
      { weight: 8, make: linked('LaunchRequest', () => alexaRequest().launch()) },
      { weight: 6, make: linked('AMAZON.PauseIntent', () => alexaRequest().intent('AMAZON.PauseIntent')) },
      { weight: 4, make: linked('AMAZON.HelpIntent', () => alexaRequest().intent('AMAZON.HelpIntent')) },
      { weight: 4, make: linked('SessionEndedRequest', () => alexaRequest().sessionEnded()) },
      { weight: 8, make: () => this.signed('unlinked:LaunchRequest', alexaRequest().launch()) },
      {
        weight: 6,
        make: () =>
          this.signed(
            'unlinked:PlayMusicIntent',
            alexaRequest().intent('PlayMusicIntent', { query: 'Queen' }),
          ),
      },
      {
        weight: 2,
        make: () => this.signed('unlinked:AMAZON.StopIntent', alexaRequest().intent('AMAZON.StopIntent')),
      },
      { weight: 5, make: () => this.event() },
      { weight: 2, make: () => this.redelivery() },
      { weight: 3, make: () => this.invalid('invalid:bad-signature') },
      { weight: 2, make: () => this.invalid('invalid:tampered') },
      { weight: 2, make: () => this.invalid('invalid:replay') },
      { weight: 1, make: () => this.invalid('invalid:wrong-skill') },
      { weight: 1, make: () => this.invalid('invalid:stale') },
      { weight: 1, make: () => this.invalid('invalid:malformed-json') },
      { weight: 1, make: () => this.invalid('invalid:content-type') },
      { weight: 1, make: () => this.invalid('invalid:unknown-route') },
    ];
    this.totalWeight = this.mix.reduce((sum, w) => sum + w.weight, 0);
  }

  next(): SoakRequest {
    this.serial += 1;
    let pick = (this.serial * 7919) % this.totalWeight; // a fixed, evenly spread order: runs are comparable
    let entry = this.mix[0];
    for (const candidate of this.mix) {
      if (pick < candidate.weight) {
        entry = candidate;
        break;
      }
      pick -= candidate.weight;
    }
    return entry.make();
  }

  /**
   * A request was answered as expected: it may be replayed or redelivered from now on. Only answered ones are:
   * a replay of a request still in flight could reach the service first (requests on different connections have no
   * order), and then the replay is the one accepted and the original the one refused.
   */
  answered(request: SoakRequest): void {
    if (request.expect !== '200') return;
    if (request.kind.startsWith('event:') && request.kind !== 'event:redelivery') {
      remember(this.sentEvents, request);
    } else if (!request.kind.startsWith('event:')) {
      remember(this.sentRequests, request);
    }
  }

  private signed(kind: string, builder: AlexaRequestBuilder): SoakRequest {
    const body = builder.apiEndpoint(this.options.apiEndpoint).body();
    const request: SoakRequest = {
      kind,
      path: '/alexa',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...signRequest(body, this.options.identity),
      },
      body,
      expect: '200',
    };
    return request;
  }

  private event(): SoakRequest {
    const type = SKILL_EVENT_TYPES[this.serial % SKILL_EVENT_TYPES.length];
    const body = type.endsWith('AccountLinked') ? { accessToken: this.options.token } : {};
    return this.signed(`event:${type.slice('AlexaSkillEvent.'.length)}`, alexaRequest().event(type, body));
  }

  /** Amazon sends an event again (same request ID, same bytes) until it sees a 200: acknowledged with 200. */
  private redelivery(): SoakRequest {
    const earlier = this.sentEvents.length >= 10 ? this.sentEvents[0] : undefined;
    return earlier ? { ...earlier, kind: 'event:redelivery' } : this.event();
  }

  private invalid(kind: string): SoakRequest {
    const fresh = (): SoakRequest =>
      this.signed(kind, alexaRequest().intent('WhatsPlayingIntent').linked(this.options.token));
    const refused = (request: SoakRequest): SoakRequest => ({ ...request, kind, expect: '4xx' });
    switch (kind) {
      case 'invalid:bad-signature': {
        const request = fresh();
        return refused({ ...request, headers: { ...request.headers, 'Signature-256': randomSignature() } });
      }
      case 'invalid:tampered': {
        const request = fresh();
        return refused({
          ...request,
          body: request.body.replace('WhatsPlayingIntent', 'PlayMusicIntent   '),
        });
      }
      case 'invalid:replay': {
        // The oldest remembered request: already answered, so the replay surely arrives second.
        const earlier = this.sentRequests.length >= 20 ? this.sentRequests[0] : undefined;
        return earlier ? refused(earlier) : refused({ ...fresh(), body: '{' });
      }
      case 'invalid:wrong-skill':
        return refused(this.signed(kind, alexaRequest().launch().skill('amzn1.ask.skill.not-ours')));
      case 'invalid:stale':
        return refused(
          this.signed(
            kind,
            alexaRequest()
              .launch()
              .timestamp(new Date(Date.now() - 600_000)),
          ),
        );
      case 'invalid:malformed-json':
        return refused({
          ...fresh(),
          body: `{"version":"1.0","request":{"type":"LaunchRequest","requestId":"${randomUUID()}"`,
        });
      case 'invalid:content-type': {
        const request = fresh();
        return refused({ ...request, headers: { ...request.headers, 'content-type': 'text/plain' } });
      }
      default:
        return refused({ ...fresh(), path: `/alexa/${randomUUID()}` });
    }
  }
}

/** Keeps the last 50 (bounded: the soak itself must not grow). */
function remember(list: SoakRequest[], request: SoakRequest): void {
  list.push(request);
  if (list.length > 50) list.shift();
}

function randomSignature(): string {
  const bytes = new Uint8Array(256);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
