/** Asserts that none of `secrets` occurs anywhere in `text` (a plain substring search per secret). */
export function expectNoSecrets(text: string, secrets: Iterable<string>): void {
  const leaked = [...new Set(secrets)].filter((secret) => secret.length >= 6 && text.includes(secret));
  // Print only a prefix of what leaked: the failure message itself ends up in CI logs.
  expect(leaked.map((secret) => `${secret.slice(0, 8)}… (${secret.length} chars)`)).toEqual([]);
}

/**
 * Asserts that `text` holds no run of 200+ base64 characters that looks random (20+ distinct characters): an
 * RSA signature (344 characters for Amazon's RSA-2048 keys) or a certificate would be one. Cheaper than
 * searching for thousands of signatures one by one; repeated filler (a 100 KB slot of "aaa...") does not count.
 */
export function expectNoSignatureLikeText(text: string): void {
  const runs = [...text.matchAll(/[A-Za-z0-9+/]{200,}={0,2}/g)]
    .map((m) => m[0])
    .filter((run) => new Set(run).size >= 20)
    .map((run) => `${run.slice(0, 12)}… (${run.length})`);
  expect(runs).toEqual([]);
}
