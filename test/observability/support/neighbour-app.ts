import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Another application in the same namespace, as every real cluster has: it exposes the common families
 * (`process_*`, `nodejs_*`, `http_requests_total`) that the service exposes too, and its counters grow with
 * every scrape. A dashboard that selects by namespace and pod alone must not show it.
 */
export async function startNeighbourApp(): Promise<{ address: string; close: () => Promise<void> }> {
  let scrapes = 0;
  const server: Server = createServer((_req, res) => {
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
        '# TYPE process_cpu_seconds_total counter',
        `process_cpu_seconds_total ${scrapes * 0.5}`,
        '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
        '# TYPE process_start_time_seconds gauge',
        'process_start_time_seconds 1700000000',
        '# HELP process_resident_memory_bytes Resident memory size in bytes.',
        '# TYPE process_resident_memory_bytes gauge',
        'process_resident_memory_bytes 73400320',
        '# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.',
        '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
        'nodejs_eventloop_lag_p99_seconds 0.02',
        '# HELP http_requests_total HTTP requests.',
        '# TYPE http_requests_total counter',
        `http_requests_total{route="/api/orders",status_class="5xx"} ${scrapes * 7}`,
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
