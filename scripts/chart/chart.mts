// Renders the Helm chart with the real helm binary and returns the objects; shared by scripts/verify-chart.sh and
// the tests in test/deploy/.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHART = join(REPO, 'helm', 'skill-service');
export const RELEASE = 'skill-service';
export const NAMESPACE = 'alexa';
/** The API the chart's "auto" monitoring settings look for. */
export const MONITORING_APIS = [
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
];
/** Default values have no skill ID, which production requires: this is the least a user must add. */
export const SKILL_ID = 'amzn1.ask.skill.11111111-2222-4333-8444-555555555555';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export interface RenderOptions {
  valuesFiles?: string[];
  set?: string[];
  /** --set-json: typed values (helm's --set turns 0.5 into a string). */
  setJson?: string[];
  apiVersions?: string[];
  release?: string;
  namespace?: string;
}

export interface Scenario extends RenderOptions {
  name: string;
}

/** The path of the helm binary (installed into .tools/helm on first use). */
export function helmBinary(): string {
  const bin = join(REPO, '.tools', 'helm', 'bin', 'helm');
  if (existsSync(bin)) return bin;
  return execFileSync('bash', [join(REPO, 'scripts', 'chart', 'ensure-helm.sh')], {
    encoding: 'utf8',
  }).trim();
}

function templateArgs(options: RenderOptions): string[] {
  const args = ['template', options.release ?? RELEASE, CHART, '--namespace', options.namespace ?? NAMESPACE];
  for (const file of options.valuesFiles ?? []) args.push('--values', resolve(REPO, file));
  for (const value of options.set ?? []) args.push('--set', value);
  for (const value of options.setJson ?? []) args.push('--set-json', value);
  for (const api of options.apiVersions ?? []) args.push('--api-versions', api);
  return args;
}

/** helm template; throws with helm's message when the render fails. */
export function renderYaml(options: RenderOptions = {}): string {
  const result = spawnSync(helmBinary(), templateArgs(options), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return result.stdout;
}

export function parseObjects(yamlText: string): K8sObject[] {
  return parseAllDocuments(yamlText)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export function render(options: RenderOptions = {}): K8sObject[] {
  return parseObjects(renderYaml(options));
}

/** helm template expected to fail; returns helm's error output (empty when it rendered). */
export function renderError(options: RenderOptions): string {
  const result = spawnSync(helmBinary(), templateArgs(options), { encoding: 'utf8' });
  return result.status === 0 ? '' : result.stderr;
}

/**
 * The chart's NOTES.txt as `helm install` would print it. helm template does not render NOTES.txt and install needs
 * a cluster, so a copy of the chart renders it through `tpl` in a template of its own.
 */
export function renderNotes(options: RenderOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'skill-service-notes-'));
  try {
    const copy = join(dir, 'skill-service');
    cpSync(CHART, copy, { recursive: true });
    renameSync(join(copy, 'templates', 'NOTES.txt'), join(copy, 'notes-source.txt'));
    writeFileSync(
      join(copy, 'templates', 'zz-notes.yaml'),
      'notes: {{ tpl (.Files.Get "notes-source.txt") . | toJson }}\n',
    );
    const args = templateArgs(options);
    args[2] = copy;
    args.push('--show-only', 'templates/zz-notes.yaml');
    const result = spawnSync(helmBinary(), args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
    return (parseObjects(result.stdout)[0] as unknown as { notes: string }).notes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** helm lint --strict; returns [ok, output]. */
export function lint(options: RenderOptions = {}): [boolean, string] {
  const args = ['lint', '--strict', CHART, '--namespace', options.namespace ?? NAMESPACE];
  for (const file of options.valuesFiles ?? []) args.push('--values', resolve(REPO, file));
  for (const value of options.set ?? []) args.push('--set', value);
  const result = spawnSync(helmBinary(), args, { encoding: 'utf8' });
  return [result.status === 0, `${result.stdout}${result.stderr}`];
}

/**
 * The renders every check runs over: default values (plus the required skill ID), with and without the Prometheus
 * operator's API, and each helm/skill-service/ci/*-values.yaml.
 */
export function scenarios(): Scenario[] {
  const ciDir = join(CHART, 'ci');
  const ci = readdirSync(ciDir)
    .filter((f) => f.endsWith('-values.yaml'))
    .sort()
    .map((f) => ({ name: `ci/${f}`, valuesFiles: [join(ciDir, f)], apiVersions: MONITORING_APIS }));
  return [
    { name: 'defaults', set: [`config.alexa.skillIds={${SKILL_ID}}`] },
    { name: 'defaults+operator', set: [`config.alexa.skillIds={${SKILL_ID}}`], apiVersions: MONITORING_APIS },
    ...ci,
  ];
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function one(objects: K8sObject[], kind: string): K8sObject {
  const found = byKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}
