export { HealthModule } from './health/health.module';
export { ShutdownState } from './lifecycle/shutdown-state.service';
export { installGracefulShutdown, exitOnFatalErrors } from './lifecycle/graceful-shutdown';
export type { GracefulShutdownOptions } from './lifecycle/graceful-shutdown';
export { ServiceLoggingModule } from './logging/service-logging.module';
export { REDACTED_PATHS } from './logging/logging.options';
export type { ServiceLoggers, ServiceLoggingOptions } from './logging/logging.options';
export { createRootLogger, DEFAULT_LOG_LEVEL } from './logging/logging.options';
export { ROOT_LOGGER, SERVICE_LOGGERS } from './logging/logging.constants';
export {
  createFastifyAdapter,
  checkRawBodyBeforeParsing,
  HTTP_SERVER_DEFAULTS,
} from './http/fastify-adapter.factory';
export type { RawBodyCheck } from './http/json-body-parser';
export type { HttpServerLimits } from './http/fastify-adapter.factory';
export { upstreamDnsLookup } from './dns/upstream-dns-lookup';
export type {
  FeatureModule,
  ModuleSettings,
  SettingsContext,
  SettingsProblem,
} from './settings/module-settings';
