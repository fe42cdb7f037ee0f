import { Controller, HttpCode, Post, Req, SetMetadata } from '@nestjs/common';
import { ALEXA_SKILL_ENDPOINT } from '@lib/alexa-skill';
import { isAlexaRedelivery } from '@lib/alexa-verification';
import type { FastifyRequest } from 'fastify';
import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { VerificationScenario } from '../support/signing/verification-scenario';

/** A second skill endpoint that reports what the guard marked, so the redelivery flag is observable. */
@Controller('test/redelivery-probe')
@SetMetadata(ALEXA_SKILL_ENDPOINT, true)
class RedeliveryProbeController {
  @Post()
  @HttpCode(200)
  probe(@Req() request: FastifyRequest): { redelivery: boolean } {
    return { redelivery: isAlexaRedelivery(request) };
  }
}

describe('request verification: replay protection (issue 9)', () => {
  describe('on (the default)', () => {
    let s: VerificationScenario;

    beforeAll(async () => {
      s = await VerificationScenario.start({
        imports: [{ module: class ProbeModule {}, controllers: [RedeliveryProbeController] }],
      });
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

    it('acknowledges a redelivered skill event with 200, marked as a redelivery, and counts no failure', async () => {
      const envelope = alexaRequest()
        .event('AlexaSkillEvent.SkillEnabled')
        .requestId('amzn1.echo-api.request.event-1')
        .timestamp(s.clock.date(-10 * 60_000))
        .body();
      const request = s.request(envelope).build();
      const before = await s.t.failures();
      const first = await s.t.send(request, '/test/redelivery-probe');
      const second = await s.t.send(request, '/test/redelivery-probe');
      expect([first.statusCode, first.json()]).toEqual([200, { redelivery: false }]);
      expect([second.statusCode, second.json()]).toEqual([200, { redelivery: true }]);
      expect(await s.t.failures()).toEqual(before);
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
