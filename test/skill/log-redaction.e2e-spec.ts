import { Logger } from '@nestjs/common';
import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { TestDomainModule } from '../support/test-domain.module';
import { createTestApp, type TestApp } from '../support/test-app';

describe('logs never carry secrets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [TestDomainModule], env: { LOG_LEVEL: 'trace' } });
  });
  afterAll(() => t.close());

  it('keeps the access token, signature headers and body out of the request log', async () => {
    const token = 'Atza|SECRET-TOKEN-abc123';
    await t.alexa(alexaRequest().intent('ExplodeIntent').linked(token), {
      Signature: 'SIG-SHA1-secret',
      'Signature-256': 'SIG-SHA256-secret',
      Authorization: 'Bearer AUTH-secret',
    });
    const text = t.logs.text();
    expect(text).toContain('request completed');
    for (const secret of [
      token,
      'SECRET-TOKEN',
      'SIG-SHA1-secret',
      'SIG-SHA256-secret',
      'AUTH-secret',
      'amzn1.ask.account',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('redacts token and signature fields in explicit log calls', () => {
    const logger = new Logger('RedactionProbe');
    logger.log(
      {
        accessToken: 'tok-1',
        nested: { accessToken: 'tok-2', authorization: 'Bearer tok-3' },
        signature: 'sig-4',
      },
      'probe',
    );
    const line = t.logs.lines.find((l) => l.includes('"probe"'))!;
    expect(line).toBeDefined();
    for (const secret of ['tok-1', 'tok-2', 'tok-3', 'sig-4']) expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });
});
