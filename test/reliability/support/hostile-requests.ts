import fc from 'fast-check';
import { sign, type KeyObject } from 'node:crypto';
import {
  alexaRequest,
  type AlexaRequestBuilder,
  DEFAULT_USER_ID,
} from '../../../tools/alexa-request/envelope.ts';
import { signRequest, type SigningIdentity } from '../../../tools/alexa-request/sign.ts';
import { SKILL_EVENT_TYPES } from '@lib/alexa-protocol';

// Generators of hostile requests for the skill endpoint. fast-check generates small, printable *recipes*;
// `materialise()` turns one into exact bytes and headers at send time (fresh timestamp, a unique request ID,
// a real signature), so a failing case prints as a readable recipe and replays from the seed.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value put somewhere in an envelope (or sent as the whole body). */
export type HostileValue =
  /** Any JSON value, wrong types included. */
  | { readonly t: 'json'; readonly v: Json }
  /** Unicode, control characters, lone surrogates, SSML and format-string fragments. */
  | { readonly t: 'text'; readonly v: string }
  /** A long string made of one repeated unit (a 128 KiB+ one crosses the body limit). */
  | { readonly t: 'huge'; readonly n: number; readonly unit: string }
  /** Nesting `depth` levels deep, written as raw JSON text. */
  | { readonly t: 'deep'; readonly depth: number; readonly shape: 'array' | 'object' }
  /** A number JSON allows but JavaScript rounds or overflows (`1e999`, `-0`, 30 digits). */
  | { readonly t: 'number'; readonly text: string }
  /** An object with a prototype-pollution key (`__proto__`, its \u-escaped spelling, constructor.prototype). */
  | { readonly t: 'proto'; readonly key: ProtoKey };

export type ProtoKey = '__proto__' | 'escaped __proto__' | 'constructor.prototype' | 'constructor';

export type EnvelopeMutation =
  /** Replace the node at `paths[at % paths.length]` (every node of the envelope is a candidate). */
  | { readonly op: 'set'; readonly at: number; readonly value: HostileValue }
  | { readonly op: 'delete'; readonly at: number }
  /** Replace the node at a named path (fixed regression cases; the generators use `set`). */
  | { readonly op: 'put'; readonly path: readonly string[]; readonly value: HostileValue }
  /** Put a slot on the intent (the only place Alexa puts free user text). */
  | { readonly op: 'slot'; readonly name: string; readonly value: HostileValue };

export type BaseRequest =
  | { readonly kind: 'launch' }
  | { readonly kind: 'intent'; readonly name: string }
  | { readonly kind: 'sessionEnded' }
  | { readonly kind: 'event'; readonly type: string };

export interface EnvelopeRecipe {
  readonly base: BaseRequest;
  /** The access token the envelope carries, if any. */
  readonly token: string | undefined;
  readonly locale: string;
  readonly mutations: readonly EnvelopeMutation[];
  /** Cut the serialised text to this fraction of its length (truncated JSON). */
  readonly truncate: number | undefined;
}

export type Body =
  | { readonly kind: 'envelope'; readonly envelope: EnvelopeRecipe }
  | { readonly kind: 'value'; readonly value: HostileValue }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

/** How the request is signed. Only `valid` can pass verification. */
export type Signing =
  | { readonly how: 'valid' }
  | { readonly how: 'none' }
  /** Signed correctly, then the bytes changed. */
  | { readonly how: 'tampered'; readonly edit: ByteEdit }
  /** A well-formed signature made by a key that is not the certificate's. */
  | { readonly how: 'wrong-key' }
  | { readonly how: 'garbage'; readonly value: string }
  /** Only the legacy SHA-1 `Signature` header, as before 2022. */
  | { readonly how: 'legacy-only' };

export type ByteEdit =
  | { readonly edit: 'flip'; readonly at: number; readonly xor: number }
  | { readonly edit: 'append'; readonly text: string }
  | { readonly edit: 'truncate'; readonly at: number }
  | { readonly edit: 'whitespace'; readonly at: number };

export type HeaderChange =
  | { readonly h: 'content-type'; readonly value: string }
  /** The signature header twice (an array through inject; Node joins them on a socket). */
  | { readonly h: 'duplicate-signature' }
  | { readonly h: 'duplicate-cert-url'; readonly other: string }
  | { readonly h: 'cert-url'; readonly value: string }
  | { readonly h: 'content-length'; readonly delta: number }
  | { readonly h: 'extra'; readonly name: string; readonly value: string }
  | { readonly h: 'huge'; readonly name: string; readonly size: number };

export interface HostileRecipe {
  readonly body: Body;
  readonly signing: Signing;
  readonly headers: readonly HeaderChange[];
}

/** One request, ready for `app.inject`, with what the test may expect of it. */
export interface MaterialisedRequest {
  readonly payload: Buffer;
  readonly headers: Record<string, string | string[]>;
  /**
   * Whether the request could pass verification: signed by the trusted key over exactly these bytes, with the
   * signature headers intact. When false, no handler may run and the answer must be a 4xx.
   */
  readonly authentic: boolean;
  /** The body carries a key that secure-json-parse must refuse (`__proto__`, constructor.prototype). */
  readonly poisoned: boolean;
  /** Secrets this request carried (tokens, signatures), for the log search. */
  readonly secrets: readonly string[];
}

export interface MaterialiseContext {
  readonly identity: SigningIdentity;
  /** A key whose certificate nobody trusts. */
  readonly otherKey: KeyObject;
  /** A unique suffix for the request ID (replays are tested elsewhere; here every request is new). */
  readonly serial: number;
}

// ---------------------------------------------------------------------------------------------- values

/** Strings a careless handler, logger or SSML builder would choke on. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u0002\u001f\u007f',
  '\r\n\r\nHTTP/1.1 200 OK',
  '\ud800', // lone high surrogate
  '\udfff\ud800', // reversed pair
  '\u202eevil\u202c', // right-to-left override
  '\ufeffBOM',
  '\uffff\ufffe',
  'e\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '<speak>injected</speak>',
  '</speak><audio src="https://evil.example/a.mp3"/><speak>',
  ']]><![CDATA[',
  '&amp;&lt;&#0;&#x110000;',
  '%s%s%s%n%x',
  '${process.exit()}',
  '{{constructor.constructor("return process")()}}',
  "'; DROP TABLE users; --",
  '../../../../etc/passwd',
  'Queen',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
];

const jsonValue: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

const wrongTypes: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  null,
  true,
  false,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER,
  '',
  'x',
  [],
  {},
  [null],
  { type: {} },
  [1, 'a', {}],
);

const text: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 32 }),
);

export const hostileValue: fc.Arbitrary<HostileValue> = fc.oneof(
  { weight: 4, arbitrary: wrongTypes.map((v) => ({ t: 'json' as const, v })) },
  { weight: 3, arbitrary: jsonValue.map((v) => ({ t: 'json' as const, v })) },
  { weight: 4, arbitrary: text.map((v) => ({ t: 'text' as const, v })) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('huge' as const),
      n: fc.oneof(fc.integer({ min: 1_000, max: 8_000 }), fc.integer({ min: 60_000, max: 140_000 })),
      unit: fc.constantFrom('a', 'é', '😀', '\\', '"', '\u0000'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('deep' as const),
      depth: fc.oneof(fc.integer({ min: 2, max: 200 }), fc.constantFrom(1_000, 5_000, 20_000)),
      shape: fc.constantFrom('array' as const, 'object' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '1e999',
        '-1e999',
        '-0',
        '123456789012345678901234567890',
        '0.0000000000000000000001',
        '1E+2',
      )
      .map((t) => ({ t: 'number' as const, text: t })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<ProtoKey>('__proto__', 'escaped __proto__', 'constructor.prototype', 'constructor')
      .map((key) => ({ t: 'proto' as const, key })),
  },
);

// ----------------------------------------------------------------------------------------- envelopes

const INTENTS = [
  'PlayMusicIntent',
  'WhatsPlayingIntent',
  'AMAZON.PauseIntent',
  'AMAZON.HelpIntent',
  'AMAZON.StopIntent',
  'AMAZON.FallbackIntent',
  'EchoIntent',
  'ExplodeIntent',
  'TooLongIntent',
  'NoSuchIntent',
];
// The five events the skill handles, plus two it does not know.
const EVENTS = [...SKILL_EVENT_TYPES, 'AlexaSkillEvent.SkillUnknown', 'Messaging.MessageReceived'];

const baseRequest: fc.Arbitrary<BaseRequest> = fc.oneof(
  fc.constant({ kind: 'launch' as const }),
  fc.constantFrom(...INTENTS).map((name) => ({ kind: 'intent' as const, name })),
  fc.constant({ kind: 'sessionEnded' as const }),
  fc.constantFrom(...EVENTS).map((type) => ({ kind: 'event' as const, type })),
);

const mutation: fc.Arbitrary<EnvelopeMutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('slot' as const),
      name: fc.oneof(fc.constantFrom('query', 'text'), text),
      value: hostileValue,
    }),
  },
);

/**
 * @param tokens access tokens to put in linked envelopes (the fake music API accepts some of them)
 */
export function envelopeRecipe(tokens: readonly string[], maxMutations = 3): fc.Arbitrary<EnvelopeRecipe> {
  return fc.record({
    base: baseRequest,
    token: fc.option(fc.constantFrom(...tokens), { nil: undefined }),
    locale: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('en-US', 'de-DE', 'de-AT', 'fr-FR', 'xx') },
      { weight: 1, arbitrary: text },
    ),
    mutations: fc.array(mutation, { maxLength: maxMutations }),
    // One in ten envelopes is cut short (truncated JSON).
    truncate: fc.oneof(
      { weight: 9, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.double({ min: 0, max: 0.999, noNaN: true }) },
    ),
  });
}

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ edit: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ edit: fc.constant('append' as const), text: fc.constantFrom(' ', '\n', '}', '{}', 'x') }),
  fc.record({ edit: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ edit: fc.constant('whitespace' as const), at: fc.nat() }),
);

const garbageSignature: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'AAAA', '====', 'not base64!', 'A'.repeat(344), 'A'.repeat(5000), '\u00ff\u00fe'),
  fc.base64String({ maxLength: 400 }),
  fc.string({ maxLength: 400, unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ+/=\\ -_'.split('')) }),
);

/** Certificate URLs an attacker would try (the policy and the source must refuse or normalise each). */
export const HOSTILE_CERT_URLS = [
  'http://s3.amazonaws.com/echo.api/echo-api-cert-dev.pem',
  'https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert-dev.pem',
  'https://evil.com/echo.api/echo-api-cert-dev.pem',
  'https://s3.amazonaws.com:8443/echo.api/echo-api-cert-dev.pem',
  'https://user:pass@s3.amazonaws.com/echo.api/echo-api-cert-dev.pem',
  'https://s3.amazonaws.com/EcHo.aPi/echo-api-cert-dev.pem',
  'https://s3.amazonaws.com/echo.api/../evil/echo-api-cert-dev.pem',
  'https://s3.amazonaws.com/echo.api/%2e%2e/%2e%2e/etc/passwd',
  'https://s3.amazonaws.com/echo.api/..%2f..%2fdev-ca-key.pem',
  'https://s3.amazonaws.com/echo.api/dev-ca-key.pem',
  'https://s3.amazonaws.com/echo.api/',
  'https://s3.amazonaws.com/echo.api/%00.pem',
  'https://s3.amazonaws.com/echo.api/echo-api-cert-dev.pem?x=1',
  'https://s3.amazonaws.com/echo.api/echo-api-cert-dev.pem#frag',
  'https://S3.AMAZONAWS.COM:443/echo.api/../echo.api/echo-api-cert-dev.pem',
  'file:///etc/passwd',
  'javascript:alert(1)',
  '',
  ' ',
  'https://',
  `https://s3.amazonaws.com/echo.api/${'a'.repeat(5000)}.pem`,
  'https://s3.amazonaws.com/echo.api/\u0000.pem',
  'https://ｓ３.amazonaws.com/echo.api/echo-api-cert-dev.pem',
];

const headerName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'x-forwarded-for',
    'x-request-id',
    'authorization',
    'cookie',
    'accept-encoding',
    'content-encoding',
    'expect',
    'x-amzn-trace-id',
    'signature',
  ),
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
);
const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('gzip', 'br', '100-continue', 'Bearer fuzz-auth-secret', '*', 'a, b, c', 'deflate'),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 200,
  }),
);

export const headerChange: fc.Arbitrary<HeaderChange> = fc.oneof(
  fc.record({
    h: fc.constant('content-type' as const),
    value: fc.constantFrom(
      'application/json',
      'APPLICATION/JSON; charset=UTF-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json;;;',
      'application/jsonx',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
      ' application/json',
    ),
  }),
  fc.constant({ h: 'duplicate-signature' as const }),
  fc.record({ h: fc.constant('duplicate-cert-url' as const), other: fc.constantFrom(...HOSTILE_CERT_URLS) }),
  fc.record({ h: fc.constant('cert-url' as const), value: fc.constantFrom(...HOSTILE_CERT_URLS) }),
  fc.record({ h: fc.constant('content-length' as const), delta: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ h: fc.constant('extra' as const), name: headerName, value: headerValue }),
  fc.record({
    h: fc.constant('huge' as const),
    name: headerName,
    size: fc.integer({ min: 1_000, max: 70_000 }),
  }),
);

// ------------------------------------------------------------------------------------------- recipes

/** Requests that cannot pass verification: unsigned, tampered, signed by another key, garbage signatures. */
export function unverifiableRecipe(tokens: readonly string[]): fc.Arbitrary<HostileRecipe> {
  const body: fc.Arbitrary<Body> = fc.oneof(
    {
      weight: 5,
      arbitrary: envelopeRecipe(tokens).map((envelope) => ({ kind: 'envelope' as const, envelope })),
    },
    { weight: 2, arbitrary: hostileValue.map((value) => ({ kind: 'value' as const, value })) },
    {
      weight: 2,
      arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
    },
  );
  const signing: fc.Arbitrary<Signing> = fc.oneof(
    fc.constant({ how: 'none' as const }),
    byteEdit.map((edit) => ({ how: 'tampered' as const, edit })),
    fc.constant({ how: 'wrong-key' as const }),
    garbageSignature.map((value) => ({ how: 'garbage' as const, value })),
    fc.constant({ how: 'legacy-only' as const }),
  );
  return fc.record({ body, signing, headers: fc.array(headerChange, { maxLength: 2 }) });
}

/**
 * Requests signed by the trusted key over hostile bytes: wrong types at every field, hostile slots, truncated
 * or deeply nested JSON, prototype-pollution keys. Verification may accept them (they are authentic), so the
 * skill must answer each with a valid envelope, or refuse it with a 4xx without running a handler.
 */
export function authenticRecipe(tokens: readonly string[]): fc.Arbitrary<HostileRecipe> {
  const body: fc.Arbitrary<Body> = fc.oneof(
    {
      weight: 12,
      arbitrary: envelopeRecipe(tokens).map((envelope) => ({ kind: 'envelope' as const, envelope })),
    },
    { weight: 1, arbitrary: hostileValue.map((value) => ({ kind: 'value' as const, value })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
    },
  );
  const harmlessHeader = headerChange.filter(
    (change) => change.h === 'extra' || change.h === 'huge' || change.h === 'content-type',
  );
  return fc.record({
    body,
    signing: fc.constant({ how: 'valid' as const }),
    headers: fc.array(harmlessHeader, { maxLength: 1 }),
  });
}

/** Authentic bodies with every kind of header damage: duplicated, replaced, lying content lengths. */
export function headerRecipe(tokens: readonly string[]): fc.Arbitrary<HostileRecipe> {
  return fc.record({
    body: envelopeRecipe(tokens, 1).map((envelope) => ({ kind: 'envelope' as const, envelope })),
    signing: fc.constant({ how: 'valid' as const }),
    headers: fc.array(headerChange, { minLength: 1, maxLength: 4 }),
  });
}

// --------------------------------------------------------------------------------------- materialise

/** Every path to a node of `value` (objects and arrays included), parents before children. */
function paths(value: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push([...prefix, index], ...paths(item, [...prefix, index]));
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      found.push([...prefix, key], ...paths(item, [...prefix, key]));
    }
  }
  return found;
}

function parentOf(
  root: Record<string, unknown>,
  path: readonly (string | number)[],
): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key as string];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

/** Placeholders for values JSON.stringify cannot write (raw number text, escaped keys, deep nesting). */
class RawValues {
  private readonly raw: string[] = [];

  put(value: HostileValue): unknown {
    switch (value.t) {
      case 'json':
        // A copy: later mutations may edit inside it, and generated values (constants too) are shared.
        return structuredClone(value.v);
      case 'text':
        return value.v;
      case 'huge':
        return value.unit.repeat(Math.ceil(value.n / value.unit.length));
      case 'number':
        return this.placeholder(value.text);
      case 'deep': {
        const [open, close] = value.shape === 'array' ? ['[', ']'] : ['{"a":', '}'];
        return this.placeholder(`${open.repeat(value.depth)}1${close.repeat(value.depth)}`);
      }
      case 'proto':
        return this.placeholder(
          {
            __proto__: '{"__proto__":{"polluted":"yes"}}',
            'escaped __proto__': '{"\\u005f_proto__":{"polluted":"yes"}}',
            'constructor.prototype': '{"constructor":{"prototype":{"polluted":"yes"}}}',
            constructor: '{"constructor":{"name":"polluted"}}',
          }[value.key],
        );
    }
  }

  stringify(value: unknown): string {
    let text = JSON.stringify(value) ?? 'null';
    this.raw.forEach((raw, index) => {
      text = text.split(`"@@raw${index}@@"`).join(raw);
    });
    return text;
  }

  private placeholder(raw: string): string {
    this.raw.push(raw);
    return `@@raw${this.raw.length - 1}@@`;
  }
}

function builderFor(recipe: EnvelopeRecipe, serial: number): AlexaRequestBuilder {
  const builder = alexaRequest();
  const { base } = recipe;
  if (base.kind === 'launch') builder.launch();
  else if (base.kind === 'intent') builder.intent(base.name, { query: 'Queen' });
  else if (base.kind === 'sessionEnded') builder.sessionEnded();
  else builder.event(base.type, { accessToken: 'fuzz-event-token' });
  if (recipe.token !== undefined) builder.linked(recipe.token);
  return builder.locale(recipe.locale).requestId(`amzn1.echo-api.request.fuzz-${serial}`);
}

function envelopeText(recipe: EnvelopeRecipe, serial: number, raw: RawValues): string {
  const envelope = builderFor(recipe, serial).build() as Record<string, unknown>;
  for (const mutation of recipe.mutations) {
    if (mutation.op === 'slot') {
      const request = envelope.request as Record<string, unknown> | undefined;
      const intent = request?.intent;
      if (typeof intent === 'object' && intent !== null && !Array.isArray(intent)) {
        const slots = ((intent as Record<string, unknown>).slots ??= {});
        if (typeof slots === 'object' && slots !== null) {
          (slots as Record<string, unknown>)[mutation.name] = {
            name: mutation.name,
            value: raw.put(mutation.value),
            confirmationStatus: 'NONE',
          };
        }
      }
      continue;
    }
    const all = paths(envelope);
    if (all.length === 0) continue;
    const path = mutation.op === 'put' ? [...mutation.path] : all[mutation.at % all.length];
    const parent = parentOf(envelope, path);
    if (!parent) continue;
    const key = path[path.length - 1] as string;
    if (mutation.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      parent[key] = raw.put(mutation.value);
    }
  }
  const text = raw.stringify(envelope);
  return recipe.truncate === undefined ? text : text.slice(0, Math.floor(text.length * recipe.truncate));
}

function applyEdit(bytes: Buffer, edit: ByteEdit): Buffer {
  const at = bytes.length === 0 ? 0 : edit.edit === 'append' ? 0 : edit.at % bytes.length;
  switch (edit.edit) {
    case 'flip': {
      if (bytes.length === 0) return Buffer.from('x');
      const copy = Buffer.from(bytes);
      copy[at] ^= edit.xor;
      return copy;
    }
    case 'append':
      return Buffer.concat([bytes, Buffer.from(edit.text)]);
    case 'truncate':
      return bytes.length === 0 ? Buffer.from(' ') : bytes.subarray(0, at);
    case 'whitespace':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(' '), bytes.subarray(at)]);
  }
}

/**
 * Whether JSON.parse of `bytes` yields an own `__proto__` key or a `constructor` object with a `prototype` key
 * anywhere: what secure-json-parse must refuse. Walked without recursion (bodies nest thousands deep).
 */
function poisoned(bytes: Buffer): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Object.prototype.hasOwnProperty.call(node, '__proto__')) return true;
    const ctor: unknown = Object.prototype.hasOwnProperty.call(node, 'constructor')
      ? (node as { constructor: unknown }).constructor
      : undefined;
    if (
      typeof ctor === 'object' &&
      ctor !== null &&
      Object.prototype.hasOwnProperty.call(ctor, 'prototype')
    ) {
      return true;
    }
    stack.push(...Object.values(node));
  }
  return false;
}

/** The exact request for a recipe. */
export function materialise(recipe: HostileRecipe, context: MaterialiseContext): MaterialisedRequest {
  const raw = new RawValues();
  const secrets: string[] = [];
  let signed: Buffer;
  const { body } = recipe;
  if (body.kind === 'envelope') {
    signed = Buffer.from(envelopeText(body.envelope, context.serial, raw), 'utf8');
    secrets.push(DEFAULT_USER_ID, 'demo-api-access-token');
    if (body.envelope.token !== undefined) secrets.push(body.envelope.token);
    if (body.envelope.base.kind === 'event') secrets.push('fuzz-event-token');
  } else if (body.kind === 'value') {
    signed = Buffer.from(raw.stringify(raw.put(body.value)), 'utf8');
  } else {
    signed = Buffer.from(body.bytes);
  }

  const headers: Record<string, string | string[]> = { 'content-type': 'application/json; charset=utf-8' };
  let payload = signed;
  let signedBytesSent = false;
  const { signing } = recipe;
  switch (signing.how) {
    case 'valid':
      Object.assign(headers, signRequest(signed, context.identity));
      signedBytesSent = true;
      break;
    case 'none':
      break;
    case 'tampered':
      Object.assign(headers, signRequest(signed, context.identity));
      payload = applyEdit(signed, signing.edit);
      signedBytesSent = payload.equals(signed);
      break;
    case 'wrong-key':
      Object.assign(headers, signRequest(signed, { ...context.identity, privateKey: context.otherKey }));
      break;
    case 'garbage':
      headers.SignatureCertChainUrl = context.identity.certUrl;
      headers['Signature-256'] = signing.value;
      break;
    case 'legacy-only':
      headers.SignatureCertChainUrl = context.identity.certUrl;
      headers.Signature = sign('sha1', signed, context.identity.privateKey).toString('base64');
      break;
  }
  const signature = headers['Signature-256'];
  if (typeof signature === 'string') secrets.push(signature);

  for (const change of recipe.headers) {
    switch (change.h) {
      case 'content-type':
        headers['content-type'] = change.value;
        break;
      case 'duplicate-signature':
        if (typeof headers['Signature-256'] === 'string') {
          headers['Signature-256'] = [headers['Signature-256'], headers['Signature-256']];
        }
        break;
      case 'duplicate-cert-url':
        headers.SignatureCertChainUrl = [context.identity.certUrl, change.other];
        break;
      case 'cert-url':
        headers.SignatureCertChainUrl = change.value;
        break;
      case 'content-length':
        headers['content-length'] = String(Math.max(0, payload.length + change.delta));
        break;
      case 'extra':
        if (change.name === 'signature') break; // would add the legacy header: not harmless
        headers[change.name] = change.value;
        if (change.name === 'authorization' && change.value.startsWith('Bearer ')) secrets.push(change.value);
        break;
      case 'huge':
        if (change.name === 'signature') break;
        headers[change.name] = 'h'.repeat(change.size);
        break;
    }
  }
  // Could pass verification: the trusted key signed exactly the bytes sent, the signature header is intact,
  // and the certificate URL is one value (some hostile spellings normalise back to the real URL, correctly).
  const authentic =
    signedBytesSent &&
    headers['Signature-256'] === signature &&
    typeof headers.SignatureCertChainUrl === 'string' &&
    (headers['content-length'] === undefined || headers['content-length'] === String(payload.length));
  return { payload, headers, authentic, poisoned: poisoned(payload), secrets };
}
