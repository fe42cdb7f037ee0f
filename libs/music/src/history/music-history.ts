import type { AttributesManager } from 'ask-sdk-core';

/** The music module's part of a user's persistent attributes: one key, so other modules' parts are kept. */
const ATTRIBUTE = 'music';

interface MusicAttributes {
  /** The last query that started playback. */
  lastQuery?: string;
}

/**
 * What the music module remembers of a user across sessions and pods, in ask-sdk's persistent attributes
 * (the service's state store: Redis when configured). When the store cannot answer, there is no history
 * and nothing is saved; the intent still works.
 */
export class MusicHistory {
  constructor(private readonly attributes: AttributesManager) {}

  async lastQuery(): Promise<string | undefined> {
    const query = (await this.read()).lastQuery;
    return typeof query === 'string' && query.trim() !== '' ? query : undefined;
  }

  /** Saves `query` as the last one (one read, cached for the request, and one write). */
  async remember(query: string): Promise<void> {
    const all = await this.attributes.getPersistentAttributes();
    const music: MusicAttributes = { ...(all[ATTRIBUTE] as MusicAttributes | undefined), lastQuery: query };
    this.attributes.setPersistentAttributes({ ...all, [ATTRIBUTE]: music });
    await this.attributes.savePersistentAttributes();
  }

  private async read(): Promise<MusicAttributes> {
    const music: unknown = (await this.attributes.getPersistentAttributes())[ATTRIBUTE];
    return typeof music === 'object' && music !== null ? music : {};
  }
}
