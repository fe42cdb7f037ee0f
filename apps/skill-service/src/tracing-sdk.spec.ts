import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import pino from 'pino';
import { Writable } from 'node:stream';
import { diagLogLevel, startTracingSdk } from './tracing-sdk';

describe('diagLogLevel', () => {
  it.each([
    ['debug', DiagLogLevel.DEBUG],
    [' ERROR ', DiagLogLevel.ERROR],
    ['none', DiagLogLevel.NONE],
    ['All', DiagLogLevel.ALL],
    [undefined, DiagLogLevel.WARN],
    ['', DiagLogLevel.WARN],
    ['loud', DiagLogLevel.WARN],
  ])('reads %p as %p', (value, level) => {
    expect(diagLogLevel(value)).toBe(level);
  });
});

describe('the SDK lines in the JSON log', () => {
  const previous = process.env.OTEL_LOG_LEVEL;
  afterEach(() => {
    if (previous === undefined) delete process.env.OTEL_LOG_LEVEL;
    else process.env.OTEL_LOG_LEVEL = previous;
    // The SDK registers process-wide globals; each test starts its own.
    for (const api of [trace, context, propagation, diag]) api.disable();
  });

  async function linesAt(
    level: string | undefined,
  ): Promise<{ level: number; msg: string; context: string }[]> {
    if (level === undefined) delete process.env.OTEL_LOG_LEVEL;
    else process.env.OTEL_LOG_LEVEL = level;
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const sdk = startTracingSdk();
    sdk.logTo(pino({ level: 'trace' }, sink));
    diag.info('probe at info');
    diag.warn('probe at warn');
    await sdk.shutdown();
    return lines.map((line) => JSON.parse(line)).filter((line) => String(line.msg).startsWith('probe'));
  }

  it('writes from WARN on by default', async () => {
    expect(await linesAt(undefined)).toEqual([
      expect.objectContaining({ level: 40, msg: 'probe at warn', context: 'OpenTelemetry' }),
    ]);
  });

  it('writes from the level OTEL_LOG_LEVEL names', async () => {
    expect((await linesAt('info')).map((line) => line.msg)).toEqual(['probe at info', 'probe at warn']);
    expect(await linesAt('none')).toEqual([]);
  });
});
