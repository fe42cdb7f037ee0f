import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../../../scripts/chart/alert-rules.mts');

/**
 * Writes the chart's PrometheusRule groups (SLO recording rules and alerts) as a Prometheus rules file, rendered
 * with helm for the release `skill-service` in `namespace` by scripts/chart/alert-rules.mts (which installs helm
 * into .tools/helm on first use).
 */
export function writeChartRules(file: string, namespace: string): void {
  const result = spawnSync(process.execPath, [SCRIPT, file, '--namespace', namespace], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`scripts/chart/alert-rules.mts failed (${result.status}): ${result.stderr}`);
  }
}
