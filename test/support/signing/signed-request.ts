import type { KeyObject } from 'node:crypto';
import { sign } from 'node:crypto';
import { AlexaRequestBuilder, alexaRequest } from '../../../tools/alexa-request/envelope.ts';
import { signRequest } from '../../../tools/alexa-request/sign.ts';

/** Headers and the exact bytes of one request, ready for `app.inject`. */
export interface SignedRequest {
  readonly payload: Buffer;
  readonly headers: Record<string, string>;
}

/**
 * A fluent builder for signed requests, e.g.
 * `signedRequest(key).envelope(alexaRequest().launch()).certUrl(url).tamper().build()`.
 * By default it signs exactly like Amazon (`signRequest` from the simulator's tools); each method breaks or
 * changes one thing.
 */
export class SignedRequestBuilder {
  private envelopeValue: AlexaRequestBuilder | string | Buffer = alexaRequest().launch();
  private certUrlValue = 'https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem';
  private signingKey: KeyObject;
  private mutate: ((body: Buffer) => Buffer) | undefined;
  private headerEdits: Array<(headers: Record<string, string>, signedBytes: Buffer) => void> = [];

  constructor(privateKey: KeyObject) {
    this.signingKey = privateKey;
  }

  /** The envelope (a builder) or the exact body text. */
  envelope(envelope: AlexaRequestBuilder | string | Buffer): this {
    this.envelopeValue = envelope;
    return this;
  }

  certUrl(url: string): this {
    this.certUrlValue = url;
    return this;
  }

  /** Sign with another key than the certificate's. */
  signedWith(privateKey: KeyObject): this {
    this.signingKey = privateKey;
    return this;
  }

  /** Change the body after signing. */
  tamper(mutate: (body: Buffer) => Buffer): this {
    this.mutate = mutate;
    return this;
  }

  /** Edit the headers after signing (remove one, corrupt one, add the legacy one). */
  headers(edit: (headers: Record<string, string>, signedBytes: Buffer) => void): this {
    this.headerEdits.push(edit);
    return this;
  }

  /** Replace `Signature-256` with only the legacy SHA-1 `Signature` header, as Amazon sent before 2022. */
  legacySha1Only(): this {
    return this.headers((headers, signedBytes) => {
      headers.Signature = sign('sha1', signedBytes, this.signingKey).toString('base64');
      delete headers['Signature-256'];
    });
  }

  build(): SignedRequest {
    const bytes = this.bytes();
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      ...signRequest(bytes, { privateKey: this.signingKey, certUrl: this.certUrlValue }),
    };
    for (const edit of this.headerEdits) edit(headers, bytes);
    return { payload: this.mutate ? this.mutate(Buffer.from(bytes)) : bytes, headers };
  }

  private bytes(): Buffer {
    const value = this.envelopeValue;
    if (value instanceof AlexaRequestBuilder) return Buffer.from(value.body(), 'utf8');
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  }
}

export function signedRequest(privateKey: KeyObject): SignedRequestBuilder {
  return new SignedRequestBuilder(privateKey);
}
