// A real service process for the drain test: the production bootstrap from dist/ plus one slow intent.
// Plain CommonJS applying the decorators by hand, so it runs on the built output without a compiler.
'use strict';
const path = require('node:path');
const dist = path.resolve(__dirname, '../../dist');
const { Module } = require('@nestjs/common');
const { IntentHandler } = require(path.join(dist, 'libs/alexa-skill/src/index.js'));
const { createApp } = require(path.join(dist, 'apps/skill-service/src/bootstrap.js'));
const { loadConfig } = require(path.join(dist, 'apps/skill-service/src/config/env.schema.js'));
const { installGracefulShutdown, SERVICE_LOGGERS } = require(
  path.join(dist, 'libs/service-runtime/src/index.js'),
);
const { Logger } = require('nestjs-pino');

class SlowIntentHandler {
  async handle(input) {
    // The test waits for this line, not for time, before it sends SIGTERM. The delay below is the behaviour
    // under test (a handler slower than the signal, or than SHUTDOWN_TIMEOUT_MS), not a wait of the test.
    process.stdout.write(`${JSON.stringify({ handling: 'SlowIntent' })}\n`);
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_MS ?? 1500)));
    return input.responseBuilder.speak('finally done').getResponse();
  }
}
IntentHandler('SlowIntent')(SlowIntentHandler);
class SlowModule {}
Module({ providers: [SlowIntentHandler] })(SlowModule);

(async () => {
  const config = loadConfig(process.env);
  const app = await createApp(config, { imports: [SlowModule] });
  const loggers = app.get(SERVICE_LOGGERS);
  const exit = (code) => {
    loggers.flush();
    process.exit(code);
  };
  installGracefulShutdown(app, { timeoutMs: config.SHUTDOWN_TIMEOUT_MS, logger: app.get(Logger), exit });
  await app.listen({ port: config.PORT, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ listening: app.getHttpServer().address().port })}\n`);
})();
