import axios from 'axios';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { upstreamDnsLookup } from '@lib/service-runtime';
import { AttemptFailure } from '../policy/attempt-failure';
import type { HttpMethod, ResilientClientOptions } from '../resilient-http-options.interface';
import type { UpstreamRequest } from '../client/upstream-request.interface';

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/**
 * axios' HTTP adapter sets TCP keep-alive to 60 s on every request's socket, and the agent sets its own
 * `keepAliveMsecs` (Node's default: 1 s) each time a socket goes back to the pool. Two different values cost two
 * `setsockopt` calls per request; the same value costs none after a socket's first (Node skips an unchanged one).
 */
const TCP_KEEP_ALIVE_INITIAL_DELAY_MS = 60_000;

/**
 * Moves the bytes of one provider's requests: axios on keep-alive agents (their own, so `maxSockets` and the
 * DNS lookup are per provider). Status handling, body parsing and timeouts are the client's: axios resolves
 * for every status, hands the body over as text and follows no redirects.
 */
export class HttpTransport {
  private readonly axios: AxiosInstance;
  private readonly agents: { destroy(): void }[];

  constructor(options: ResilientClientOptions) {
    const lookup = options.dnsLookup ?? upstreamDnsLookup();
    const agentOptions = {
      keepAlive: true,
      keepAliveMsecs: TCP_KEEP_ALIVE_INITIAL_DELAY_MS,
      maxSockets: options.maxSockets ?? Infinity,
      ...(lookup === false ? {} : { lookup }),
    };
    const httpAgent = new HttpAgent(agentOptions);
    const httpsAgent = new HttpsAgent(agentOptions);
    this.agents = [httpAgent, httpsAgent];
    this.axios = axios.create({
      ...options.axios,
      baseURL: options.baseURL ?? options.axios?.baseURL,
      headers: { accept: 'application/json', ...options.headers },
      validateStatus: null,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      maxContentLength: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      httpAgent,
      httpsAgent,
    });
  }

  /**
   * Sends one request. Rejects with `AttemptFailure` `too_large` or `network` when no answer came (an abort
   * through `signal` included: the caller knows why it aborted); never with axios' own error, whose config
   * holds the Authorization header.
   */
  async send(config: AxiosRequestConfig, signal: AbortSignal): Promise<AxiosResponse<string>> {
    try {
      return await this.axios.request<string>({ ...config, signal });
    } catch (error) {
      const tooLarge = axios.isAxiosError(error) && error.message.startsWith('maxContentLength');
      throw new AttemptFailure(tooLarge ? 'too_large' : 'network');
    }
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    for (const agent of this.agents) agent.destroy();
  }
}

/** A call's request config, built once for its attempts: only the keys it sets (axios merges every key). */
export function requestConfig(req: UpstreamRequest, method: HttpMethod): AxiosRequestConfig {
  const config: AxiosRequestConfig = { method, url: req.url };
  if (req.params !== undefined) config.params = req.params;
  if (req.data !== undefined) config.data = req.data;
  if (req.accessToken !== undefined)
    config.headers = { ...req.headers, authorization: `Bearer ${req.accessToken}` };
  else if (req.headers !== undefined) config.headers = req.headers;
  return config;
}
