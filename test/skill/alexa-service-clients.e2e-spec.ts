import { Module } from '@nestjs/common';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeSsml, IntentHandler, type SkillHandler, type SkillRequestContext } from '@lib/alexa-skill';
import { type HandlerInput, getDeviceId } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { createTestApp, type TestApp } from '../support/test-app';

/** Reads the device's time zone through ask-sdk's service clients, as a domain handler would. */
@IntentHandler('TimeZoneIntent')
class TimeZoneIntentHandler implements SkillHandler {
  async handle(input: HandlerInput, _context: SkillRequestContext): Promise<Response> {
    const ups = input.serviceClientFactory!.getUpsServiceClient();
    const timeZone = await ups.getSystemTimeZone(getDeviceId(input.requestEnvelope));
    return input.responseBuilder.speak(escapeSsml(`Your time zone is ${timeZone}.`)).getResponse();
  }
}

@Module({ providers: [TimeZoneIntentHandler] })
class TimeZoneModule {}

/** A local stand-in for Amazon's Alexa API (https://api.amazonalexa.com): a real HTTP server on 127.0.0.1. */
class FakeAlexaApi {
  readonly calls: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.calls.push({ method: req.method, url: req.url, headers: req.headers });
      if (req.url?.endsWith('/settings/System.timeZone')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('"Europe/Berlin"');
      } else res.writeHead(404).end();
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('Alexa service clients (handlerInput.serviceClientFactory) in development', () => {
  let t: TestApp;
  let alexaApi: FakeAlexaApi;

  beforeAll(async () => {
    alexaApi = await new FakeAlexaApi().start();
    t = await createTestApp({
      env: { ALEXA_API_ENDPOINT_ALLOW_ANY: 'true' },
      imports: [TimeZoneModule],
    });
  });
  afterAll(async () => {
    await t.close();
    await alexaApi.close();
  });

  it("lets a handler read the device's time zone from the request's apiEndpoint, with its apiAccessToken", async () => {
    const res = await t.alexa(alexaRequest().intent('TimeZoneIntent').apiEndpoint(alexaApi.url));
    expect(res.statusCode).toBe(200);
    expect(res.json().response.outputSpeech).toEqual({
      type: 'SSML',
      ssml: '<speak>Your time zone is Europe/Berlin.</speak>',
    });
    expect(alexaApi.calls).toHaveLength(1);
    expect(alexaApi.calls[0]).toMatchObject({
      method: 'GET',
      url: '/v2/devices/amzn1.ask.device.DEMO/settings/System.timeZone',
      headers: { authorization: 'Bearer demo-api-access-token' },
    });
  });
});
