export { ResilientHttpClient } from './resilient-http.client';
export type { CallOptions, UpstreamRequest, UpstreamResponse } from './upstream-request.interface';
