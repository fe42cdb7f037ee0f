/**
 * Asserts that none of `secrets` occurs in `text`. Long secret lists (thousands of signatures) are checked by
 * set membership of every base64-looking run in the text, instead of one scan per secret.
 */
export function expectNoSecrets(text: string, secrets: Iterable<string>): void {
  const all = [...new Set(secrets)].filter((secret) => secret.length >= 6);
  const leaked: string[] = [];
  if (all.length <= 64) {
    for (const secret of all) if (text.includes(secret)) leaked.push(secret);
  } else {
    const wanted = new Set(all);
    for (const run of text.matchAll(/[A-Za-z0-9+/=|._-]{6,}/g)) if (wanted.has(run[0])) leaked.push(run[0]);
    for (const secret of all)
      if (!/^[A-Za-z0-9+/=|._-]+$/.test(secret) && text.includes(secret)) leaked.push(secret);
  }
  // Print only a prefix of what leaked: the failure message itself ends up in CI logs.
  expect(leaked.map((secret) => `${secret.slice(0, 8)}… (${secret.length} chars)`)).toEqual([]);
}
