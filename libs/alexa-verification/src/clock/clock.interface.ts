/** The time source of every date check (certificate validity, timestamps, replay window). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
