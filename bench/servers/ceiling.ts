// Scenario 1, the ceiling: a bare Fastify 5 server answering every POST with a fixed Alexa response.
// What Node and Fastify can do on this machine; nothing real can be faster.
import Fastify from 'fastify';
import { FIXED_LAUNCH_RESPONSE, listenAddress } from './skill-logic.ts';

const app = Fastify({ logger: false });
app.post('*', (_request, reply) => {
  void reply.header('content-type', 'application/json; charset=utf-8').send(FIXED_LAUNCH_RESPONSE);
});
await app.listen(listenAddress());
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
