// Scenario 2, the official adapter: the same skill logic on Express 5 with ask-sdk-express-adapter, the way
// Amazon's documentation shows it ("Host a custom skill as a web service", ExpressAdapter), with both of its
// verifiers off (the signature verifier downloads certificates from the internet).
import Alexa, { type HandlerInput, type RequestHandler } from 'ask-sdk-core';
import { ExpressAdapter } from 'ask-sdk-express-adapter';
import express from 'express';
import { listenAddress, REPROMPT, WELCOME } from './skill-logic.ts';

const LaunchRequestHandler: RequestHandler = {
  canHandle(handlerInput: HandlerInput) {
    return Alexa.getRequestType(handlerInput.requestEnvelope) === 'LaunchRequest';
  },
  handle(handlerInput: HandlerInput) {
    return handlerInput.responseBuilder.speak(WELCOME).reprompt(REPROMPT).getResponse();
  },
};

const app = express();
const skillBuilder = Alexa.SkillBuilders.custom();
skillBuilder.addRequestHandlers(LaunchRequestHandler);
const skill = skillBuilder.create();
const adapter = new ExpressAdapter(skill, false, false);
app.post('/alexa', adapter.getRequestHandlers());

const { port, host } = listenAddress();
const server = app.listen(port, host);
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
