export interface MetricsModuleOptions {
  /**
   * Port of the management server that serves `GET /metrics`; 0 picks a free port (tests).
   * Kept apart from the app port so the ingress never exposes metrics.
   * @default 9464
   */
  port?: number;
  /** Interface the management server binds to. @default '0.0.0.0' */
  host?: string;
  /** Collect prom-client's default process and Node.js metrics. @default true */
  defaultMetrics?: boolean;
  /** Prefix for the default process metrics (e.g. `skill_`). @default '' */
  defaultMetricsPrefix?: string;
  /** Start the management server; off when a test only reads the registry. @default true */
  serve?: boolean;
}
