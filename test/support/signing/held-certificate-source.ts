import { EventEmitter, once } from 'node:events';
import type { CertificateSource } from '@lib/alexa-verification';

/**
 * A slow certificate source without timers: a download of a URL that the test chose to hold waits until the
 * test releases it, then goes to the real source (the local HTTPS "S3"). Tests wait for `holding(n)` (an
 * event per held download) and release what they want, so "S3 is slow" lasts exactly as long as they say.
 */
export class HeldCertificateSource implements CertificateSource {
  private readonly events = new EventEmitter();
  private readonly held: Array<{ readonly url: string; readonly release: () => void }> = [];
  private select: (url: string) => boolean = () => false;

  constructor(private readonly inner: CertificateSource) {}

  /** From now on, holds the downloads of every URL for which `select` is true. */
  hold(select: (url: string) => boolean): this {
    this.select = select;
    return this;
  }

  async fetch(url: string): Promise<string> {
    if (this.select(url)) {
      await new Promise<void>((release) => {
        this.held.push({ url, release });
        this.events.emit('held');
      });
    }
    return this.inner.fetch(url);
  }

  /** Downloads held right now, by URL. */
  get waiting(): string[] {
    return this.held.map((h) => h.url);
  }

  /** Resolves once at least `count` downloads are held. */
  async holding(count: number): Promise<void> {
    while (this.held.length < count) await once(this.events, 'held');
  }

  /** Lets the held downloads of the URLs `select` picks go on (every one by default), and stops holding them. */
  release(select: (url: string) => boolean = () => true): void {
    const previous = this.select;
    this.select = (url) => previous(url) && !select(url);
    for (let i = this.held.length - 1; i >= 0; i--) {
      if (select(this.held[i].url)) this.held.splice(i, 1)[0].release();
    }
  }
}
