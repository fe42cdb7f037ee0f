// Scenario 10, the linked anchor: what a team writes by hand for a linked intent. Express 5 with
// ask-sdk-express-adapter (both verifiers off, as in scenario 2), a WhatsPlayingIntent handler that makes one
// upstream call with axios through a keep-alive agent, against the same fake music API as scenario 5. No logging,
// metrics, retries, deadlines or response validation: the cheapest honest way to answer the same request.
import Alexa, { type HandlerInput, type RequestHandler } from 'ask-sdk-core';
import { ExpressAdapter } from 'ask-sdk-express-adapter';
import axios from 'axios';
import express from 'express';
import { Agent } from 'node:http';
import { listenAddress } from './skill-logic.ts';

interface CurrentlyPlaying {
  is_playing?: boolean;
  item?: { name?: string; artists?: { name?: string }[] };
}

const music = axios.create({
  baseURL: process.env.MUSIC_API_BASE_URL ?? 'http://127.0.0.1:4010',
  timeout: 3000,
  httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
});

const WhatsPlayingHandler: RequestHandler = {
  canHandle(handlerInput: HandlerInput) {
    return (
      Alexa.getRequestType(handlerInput.requestEnvelope) === 'IntentRequest' &&
      Alexa.getIntentName(handlerInput.requestEnvelope) === 'WhatsPlayingIntent'
    );
  },
  async handle(handlerInput: HandlerInput) {
    const token = handlerInput.requestEnvelope.context.System.user.accessToken;
    if (!token) {
      return handlerInput.responseBuilder
        .speak('Please link your account.')
        .withLinkAccountCard()
        .getResponse();
    }
    const { status, data } = await music.get<CurrentlyPlaying>('/v1/me/player/currently-playing', {
      headers: { Authorization: `Bearer ${token}` },
    });
    const track = status === 200 ? data.item : undefined;
    const speech = track
      ? `${data.is_playing ? 'This is' : 'Paused:'} ${track.name ?? ''} by ${(track.artists ?? []).map((a) => a.name).join(', ')}.`
      : 'Nothing is playing right now.';
    return handlerInput.responseBuilder.speak(speech).withShouldEndSession(true).getResponse();
  },
};

const ErrorHandler = {
  canHandle: () => true,
  handle(handlerInput: HandlerInput) {
    return handlerInput.responseBuilder.speak('Sorry, something went wrong.').getResponse();
  },
};

const skill = Alexa.SkillBuilders.custom()
  .addRequestHandlers(WhatsPlayingHandler)
  .addErrorHandlers(ErrorHandler)
  .create();
const app = express();
app.post('/alexa', new ExpressAdapter(skill, false, false).getRequestHandlers());

const { port, host } = listenAddress();
const server = app.listen(port, host);
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
