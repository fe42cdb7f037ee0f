/**
 * Error answers to callers carry no stack, no file path, no library or runtime version and no echo of the
 * request line. Short: a fixed sentence, never a dump.
 */
export function expectNothingInternal(body: string): void {
  expect(body.length).toBeLessThan(512);
  expect(body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/work\/|\/app\/|[A-Za-z]:\\|\.ts\b|\.js\b/);
  expect(body).not.toMatch(/node\/v?\d|fastify|nestjs|ask-sdk|\d+\.\d+\.\d+/i);
  expect(body).not.toMatch(/Cannot (GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)/);
}
