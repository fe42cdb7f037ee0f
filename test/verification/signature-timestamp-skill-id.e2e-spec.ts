import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { TestDomainModule } from '../support/test-domain.module';
import { VerificationScenario } from '../support/signing/verification-scenario';

const LEGACY = join(__dirname, '../fixtures/amazon-certs/legacy-sha1-request');

describe('request verification: signature, timestamp and skill ID (rules 3-5)', () => {
  let s: VerificationScenario;

  beforeAll(async () => {
    s = await VerificationScenario.start({ imports: [TestDomainModule] });
  });
  afterAll(() => s.close());

  describe('the signature', () => {
    it('accepts a body with multibyte UTF-8 text, verified over the exact bytes', async () => {
      const text = 'Grüße aus Köln — 東京 👋';
      const envelope = alexaRequest().intent('EchoIntent', { text }).timestamp(s.clock.date());
      const reply = await s.expectAccepted(s.request(envelope));
      expect(reply.json().response.outputSpeech.ssml).toBe(`<speak>You said ${text}</speak>`);
    });

    it('refuses a body changed by one byte after signing with check="signature"', async () => {
      await s.expectRefused(
        s.request().tamper((body) => {
          const i = body.indexOf('LaunchRequest');
          body[i] = 'l'.charCodeAt(0);
          return body;
        }),
        'signature',
      );
    });

    it('refuses a signature made by another key with check="signature"', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      await s.expectRefused(s.request().signedWith(other), 'signature');
    });

    it('refuses a Signature-256 that is not base64 with check="signature"', async () => {
      await s.expectRefused(
        s.request().headers((h) => (h['Signature-256'] = `${h['Signature-256'].slice(0, -4)}*&^%`)),
        'signature',
      );
    });

    it('refuses a request signed only with the legacy SHA-1 Signature header with check="signature"', async () => {
      await s.expectRefused(s.request().legacySha1Only(), 'signature');
    });

    it('refuses Amazon\'s real 2017 request signed with SHA-1 only, with check="signature"', async () => {
      const headers = JSON.parse(readFileSync(join(LEGACY, 'headers.json'), 'utf8')) as Record<
        string,
        string
      >;
      const body = readFileSync(join(LEGACY, 'body.txt'));
      await s.expectRefused(
        { payload: body, headers: { 'content-type': 'application/json', ...headers } },
        'signature',
      );
    });
  });

  describe('the timestamp', () => {
    const stamped = (offsetMs: number, type?: string) =>
      (type ? alexaRequest().event(type) : alexaRequest().launch()).timestamp(s.clock.date(offsetMs));

    it('accepts a request 150 s old and one 150 s ahead', async () => {
      await s.expectAccepted(s.request(stamped(-150_000)));
      await s.expectAccepted(s.request(stamped(150_000)));
    });

    it('refuses a request 151 s old with check="timestamp"', async () => {
      await s.expectRefused(s.request(stamped(-151_000)), 'timestamp');
    });

    it('refuses a request 151 s in the future with check="timestamp"', async () => {
      await s.expectRefused(s.request(stamped(151_000)), 'timestamp');
    });

    it('accepts a skill event 59 minutes old, inside its own one-hour tolerance', async () => {
      await s.expectAccepted(s.request(stamped(-59 * 60_000, 'AlexaSkillEvent.SkillEnabled')));
    });

    it('refuses a skill event 61 minutes old with check="timestamp"', async () => {
      await s.expectRefused(
        s.request(stamped(-61 * 60_000, 'AlexaSkillEvent.SkillAccountLinked')),
        'timestamp',
      );
    });

    it('refuses a request without a timestamp with check="timestamp"', async () => {
      const envelope = JSON.stringify({
        ...s.envelope().build(),
        request: { type: 'LaunchRequest', requestId: 'r' },
      });
      await s.expectRefused(s.request(envelope), 'timestamp');
    });
  });

  describe('the skill ID', () => {
    it('refuses a wrong skill ID with check="skill_id"', async () => {
      await s.expectRefused(s.request(s.envelope().skill('amzn1.ask.skill.someone-else')), 'skill_id');
    });

    it('refuses a request without a skill ID with check="skill_id"', async () => {
      const envelope = s.envelope().build() as {
        context: { System: Record<string, unknown> };
        session: object;
      };
      delete envelope.context.System.application;
      delete (envelope as { session?: object }).session;
      await s.expectRefused(s.request(JSON.stringify(envelope)), 'skill_id');
    });
  });

  describe('the envelope', () => {
    it('refuses a JSON body that is not an Alexa envelope with check="malformed"', async () => {
      await s.expectRefused(s.request('{"hello":"world"}'), 'malformed');
    });

    it('refuses an array body with check="malformed"', async () => {
      await s.expectRefused(s.request('[1,2,3]'), 'malformed');
    });
  });
});
