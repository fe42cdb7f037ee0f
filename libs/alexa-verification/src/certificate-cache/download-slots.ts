/**
 * The certificate downloads allowed in flight at once, over all URLs. `reserved` of them are held back for
 * URLs that have verified a signature recently: a flood of requests naming unknown URLs can take at most
 * `total - reserved` slots, so it never keeps Amazon's known URL from downloading.
 */
export class DownloadSlots {
  private inFlight = 0;
  private unknownInFlight = 0;
  private readonly total: number;
  private readonly reserved: number;

  constructor(total: number, reserved: number) {
    if (!(reserved >= 0 && reserved < total)) {
      throw new RangeError(`reserved download slots (${reserved}) must be fewer than all slots (${total})`);
    }
    this.total = total;
    this.reserved = reserved;
  }

  /** Takes a slot if one is free to this kind of URL; the caller must {@link release} it with the same kind. */
  tryAcquire(known: boolean): boolean {
    if (this.inFlight >= this.total) return false;
    if (!known && this.unknownInFlight >= this.total - this.reserved) return false;
    this.inFlight++;
    if (!known) this.unknownInFlight++;
    return true;
  }

  release(known: boolean): void {
    this.inFlight--;
    if (!known) this.unknownInFlight--;
  }

  /** Downloads in flight, for tests and diagnostics. */
  get used(): { readonly all: number; readonly unknown: number } {
    return { all: this.inFlight, unknown: this.unknownInFlight };
  }
}
