// Retry-After is either delay-seconds or an HTTP-date (RFC 9110, section 10.2.3). Decimal seconds are not in
// the grammar but some servers send them; they are accepted rather than ignored.
const DELAY_SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;
/** Every HTTP-date form (IMF-fixdate, rfc850, asctime) starts with a day name. */
const HTTP_DATE = /^\s*[A-Za-z]{3}/;

/**
 * Milliseconds to wait before retrying, or undefined when the header is absent or unreadable.
 * A date in the past means "now" (0).
 */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  if (seconds !== null) return Math.ceil(Number(seconds[1]) * 1000);
  if (!HTTP_DATE.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
