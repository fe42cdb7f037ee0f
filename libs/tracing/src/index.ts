export { TracingModule } from './tracing.module';
export type { TracingModuleOptions } from './tracing.module';
export { TRACING } from './tracing.constants';
export type { TraceAttributes, TraceAttributeValue, TraceSpan, Tracing } from './tracing.interface';
export { NOOP_TRACING } from './noop-tracing';
export { traceLogFields } from './trace-log-fields';
export type { TraceLogFields } from './trace-log-fields';
