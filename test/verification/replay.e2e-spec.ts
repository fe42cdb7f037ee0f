import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { VerificationScenario } from '../support/signing/verification-scenario';

describe('request verification: replay protection', () => {
  describe('on (the default)', () => {
    let s: VerificationScenario;

    beforeAll(async () => {
      s = await VerificationScenario.start();
    });
    afterAll(() => s.close());

    it.each([
      ['LaunchRequest', () => alexaRequest().launch()],
      ['IntentRequest', () => alexaRequest().intent('AMAZON.HelpIntent')],
      ['SessionEndedRequest', () => alexaRequest().sessionEnded()],
    ])('refuses a second %s with the same request ID with check="replay"', async (type, build) => {
      const envelope = build().requestId(`amzn1.echo-api.request.replay-${type}`).timestamp(s.clock.date());
      const request = s.request(envelope).build();
      await s.expectAccepted(request);
      await s.expectRefused(request, 'replay');
    });

    it('does not remember request IDs of refused requests', async () => {
      const envelope = s.envelope().requestId('amzn1.echo-api.request.first-refused');
      await s.expectRefused(
        s.request(envelope).headers((h) => (h['Signature-256'] = 'AAAA')),
        'signature',
      );
      await s.expectAccepted(s.request(envelope));
    });

    it('answers a redelivered skill event at the skill endpoint with 200, never as a replay', async () => {
      const envelope = alexaRequest()
        .event('AlexaSkillEvent.SkillDisabled')
        .requestId('amzn1.echo-api.request.event-2')
        .timestamp(s.clock.date(-30 * 60_000));
      const request = s.request(envelope).build();
      await s.expectAccepted(request);
      await s.expectAccepted(request);
    });
  });

  describe('off (ALEXA_REPLAY_PROTECTION=false)', () => {
    let s: VerificationScenario;

    beforeAll(async () => {
      s = await VerificationScenario.start({ env: { ALEXA_REPLAY_PROTECTION: 'false' } });
    });
    afterAll(() => s.close());

    it('accepts the same request twice', async () => {
      const request = s.request(s.envelope().requestId('amzn1.echo-api.request.twice')).build();
      await s.expectAccepted(request);
      await s.expectAccepted(request);
    });
  });
});
