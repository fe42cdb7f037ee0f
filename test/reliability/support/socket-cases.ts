import fc from 'fast-check';
import { alexaRequest } from '../../../tools/alexa-request/envelope.ts';
import { signRequest, type SigningIdentity } from '../../../tools/alexa-request/sign.ts';
import { rawRequest } from './raw-http';

// Requests only a real socket can carry: limits and framing live in Node's HTTP parser, which `inject` skips.

export type SocketCase =
  /** A signed request with harmless duplicated and extra headers. */
  | { readonly c: 'valid'; readonly duplicates: number }
  | { readonly c: 'duplicate-content-type' }
  | { readonly c: 'duplicate-signature' }
  | { readonly c: 'duplicate-cert-url' }
  | { readonly c: 'duplicate-content-length'; readonly offset: number }
  | { readonly c: 'length-and-chunked' }
  | { readonly c: 'oversized-header'; readonly size: number }
  | { readonly c: 'many-headers'; readonly count: number }
  | { readonly c: 'long-url'; readonly size: number }
  | { readonly c: 'control-character'; readonly code: number }
  | { readonly c: 'folded-header' }
  | { readonly c: 'bad-request-line'; readonly line: string }
  | { readonly c: 'random'; readonly bytes: Uint8Array }
  | { readonly c: 'chunked-over-limit'; readonly size: number }
  | { readonly c: 'bad-chunk'; readonly size: string }
  | { readonly c: 'wrong-path'; readonly path: string };

export const socketCase: fc.Arbitrary<SocketCase> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ c: fc.constant('valid' as const), duplicates: fc.integer({ min: 0, max: 20 }) }),
  },
  fc.constant({ c: 'duplicate-content-type' as const }),
  fc.constant({ c: 'duplicate-signature' as const }),
  fc.constant({ c: 'duplicate-cert-url' as const }),
  fc.record({
    c: fc.constant('duplicate-content-length' as const),
    offset: fc.integer({ min: 1, max: 100 }),
  }),
  fc.constant({ c: 'length-and-chunked' as const }),
  fc.record({ c: fc.constant('oversized-header' as const), size: fc.integer({ min: 17_000, max: 80_000 }) }),
  fc.record({ c: fc.constant('many-headers' as const), count: fc.integer({ min: 800, max: 3_000 }) }),
  fc.record({ c: fc.constant('long-url' as const), size: fc.integer({ min: 17_000, max: 40_000 }) }),
  fc.record({
    c: fc.constant('control-character' as const),
    code: fc.integer({ min: 0, max: 31 }).filter((code) => code !== 9),
  }),
  fc.constant({ c: 'folded-header' as const }),
  fc.record({
    c: fc.constant('bad-request-line' as const),
    line: fc.constantFrom(
      'POST /alexa HTTP/9.9',
      'POST  /alexa  HTTP/1.1',
      'P\u00d6ST /alexa HTTP/1.1',
      'POST /alexa',
      'POST /al exa HTTP/1.1',
      '/alexa HTTP/1.1',
      'POST /alexa HTTP/1.1 extra',
    ),
  }),
  fc.record({ c: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 512 }) }),
  fc.record({
    c: fc.constant('chunked-over-limit' as const),
    size: fc.integer({ min: 140_000, max: 400_000 }),
  }),
  fc.record({
    c: fc.constant('bad-chunk' as const),
    size: fc.constantFrom('zz', '-1', 'fffffffffffffffffff', '1;' + 'x'.repeat(20_000), ''),
  }),
  fc.record({
    c: fc.constant('wrong-path' as const),
    path: fc.constantFrom(
      '/',
      '/alexa/',
      '/ALEXA',
      '/alexa/../secret',
      '/%2e%2e/etc/passwd',
      '/metrics',
      '/.env',
    ),
  }),
);

/** The raw bytes of one socket case. */
export function socketRequest(
  c: SocketCase,
  context: { identity: SigningIdentity; serial: number; port: number },
): Buffer {
  const body = alexaRequest()
    .intent('AMAZON.HelpIntent')
    .requestId(`amzn1.echo-api.request.socket-${context.serial}`)
    .body();
  const signature = signRequest(body, context.identity);
  const length = Buffer.byteLength(body);
  const head = (requestLine = 'POST /alexa HTTP/1.1'): string[] => [
    requestLine,
    `Host: 127.0.0.1:${context.port}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `SignatureCertChainUrl: ${signature.SignatureCertChainUrl}`,
    `Signature-256: ${signature['Signature-256']}`,
  ];
  switch (c.c) {
    case 'valid': {
      const extra = Array.from({ length: c.duplicates }, (_, i) => `X-Dup: value-${i}`);
      return rawRequest(
        [...head(), ...extra, 'Accept: */*', 'Accept: application/json', `Content-Length: ${length}`],
        body,
      );
    }
    case 'duplicate-content-type':
      return rawRequest([...head(), 'Content-Type: text/plain', `Content-Length: ${length}`], body);
    case 'duplicate-signature':
      return rawRequest(
        [...head(), `Signature-256: ${signature['Signature-256']}`, `Content-Length: ${length}`],
        body,
      );
    case 'duplicate-cert-url':
      return rawRequest(
        [
          ...head(),
          'SignatureCertChainUrl: https://evil.example/echo.api/x.pem',
          `Content-Length: ${length}`,
        ],
        body,
      );
    case 'duplicate-content-length':
      return rawRequest(
        [...head(), `Content-Length: ${length}`, `Content-Length: ${length + c.offset}`],
        body,
      );
    case 'length-and-chunked':
      return rawRequest(
        [...head(), `Content-Length: ${length}`, 'Transfer-Encoding: chunked'],
        `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      );
    case 'oversized-header':
      return rawRequest([...head(), `X-Big: ${'b'.repeat(c.size)}`, `Content-Length: ${length}`], body);
    case 'many-headers':
      return rawRequest(
        [
          ...head(),
          ...Array.from({ length: c.count }, (_, i) => `X-Header-${i}: some value`),
          `Content-Length: ${length}`,
        ],
        body,
      );
    case 'long-url':
      return rawRequest(
        [...head(`POST /alexa?${'q'.repeat(c.size)} HTTP/1.1`), `Content-Length: ${length}`],
        body,
      );
    case 'control-character':
      return rawRequest(
        [...head(), `X-Control: a${String.fromCharCode(c.code)}b`, `Content-Length: ${length}`],
        body,
      );
    case 'folded-header':
      return rawRequest([...head(), 'X-Folded: first', ' continued', `Content-Length: ${length}`], body);
    case 'bad-request-line':
      return rawRequest([...head(c.line), `Content-Length: ${length}`], body);
    case 'random':
      return Buffer.concat([Buffer.from(c.bytes), Buffer.from('\r\n\r\n')]);
    case 'chunked-over-limit': {
      const chunk = 'a'.repeat(16_384);
      const chunks: string[] = [];
      for (let sent = 0; sent < c.size; sent += chunk.length)
        chunks.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      return rawRequest([...head(), 'Transfer-Encoding: chunked'], `${chunks.join('')}0\r\n\r\n`);
    }
    case 'bad-chunk':
      return rawRequest([...head(), 'Transfer-Encoding: chunked'], `${c.size}\r\n${body}\r\n0\r\n\r\n`);
    case 'wrong-path':
      return rawRequest([...head(`POST ${c.path} HTTP/1.1`), `Content-Length: ${length}`], body);
  }
}
