// The install commands the documentation gives (README.md, docs/deploy.md, docs/go-live.md), rendered with the real
// chart exactly as written (shell variables set to example values): each must render valid objects, get its TLS
// Secret from something that creates it (a cert-manager Certificate), carry the `release` labels kube-prometheus-stack
// selects ServiceMonitors and PrometheusRules by, and every Secret the pods read must be created by a command of the
// same document, and every Secret a document creates read by the pods.
// Run: node --test test/deploy/*.test.mts   (scripts/verify-chart.sh runs it)
/* eslint-disable @typescript-eslint/no-floating-promises, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- node:test suites return promises the runner awaits; rendered objects are untyped JSON */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  byKind,
  type K8sObject,
  MONITORING_APIS,
  one,
  REPO,
  render,
  SKILL_ID,
} from '../../scripts/chart/chart.mts';
import { validateObject } from '../../scripts/chart/k8s-models.mts';
import { commandLines, shellWords } from '../../tools/doc-commands.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are walked as plain JSON
type Json = Record<string, any>;

const DOCS = ['README.md', 'docs/deploy.md', 'docs/go-live.md'];

/** The values the guides' shell variables stand for. */
const EXAMPLE_ENV: Record<string, string> = {
  REGISTRY: 'registry.example.com/alexa',
  VERSION: '1.0.0',
  SKILL_ID,
  HOST: 'alexa.example.com',
  ACME_EMAIL: 'ops@example.com',
};

interface HelmInstall {
  line: string;
  set: string[];
  setJson: string[];
}

function helmInstalls(lines: string[]): HelmInstall[] {
  return lines
    .filter((l) => /^helm (install|upgrade --install) skill-service /.test(l))
    .map((line) => {
      const words = shellWords(line, EXAMPLE_ENV);
      const install: HelmInstall = { line, set: [], setJson: [] };
      for (let i = 0; i < words.length; i++) {
        if (words[i] === '--set' || words[i] === '--set-string') install.set.push(words[++i]);
        else if (words[i] === '--set-json') install.setJson.push(words[++i]);
        else if (words[i] === '-f' || words[i] === '--values')
          throw new Error(`a values file is not self-contained: ${line}`);
      }
      return install;
    });
}

/** `kubectl ... create secret generic NAME --from-literal=KEY=...`: Secret name -> keys. */
function createdSecrets(lines: string[]): Map<string, Set<string>> {
  const secrets = new Map<string, Set<string>>();
  for (const line of lines.filter((l) => /^kubectl .*create secret generic /.test(l))) {
    const name = /create secret generic ([a-z0-9-]+)/.exec(line)![1];
    const keys = [...line.matchAll(/--from-literal=([A-Za-z0-9_.-]+)=/g)].map((m) => m[1]);
    secrets.set(name, new Set([...(secrets.get(name) ?? []), ...keys]));
  }
  return secrets;
}

/** Secret name -> keys the rendered pods read (env secretKeyRef; envFrom secretRef reads every key: '*'). */
function readSecrets(objects: K8sObject[]): Map<string, Set<string>> {
  const read = new Map<string, Set<string>>();
  const add = (name: string, key: string) => read.set(name, new Set([...(read.get(name) ?? []), key]));
  const pod = (one(objects, 'Deployment').spec as Json).template.spec;
  for (const container of pod.containers as Json[]) {
    for (const env of (container.env ?? []) as Json[]) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref) add(ref.name, ref.key);
    }
    for (const from of (container.envFrom ?? []) as Json[]) if (from.secretRef) add(from.secretRef.name, '*');
  }
  return read;
}

for (const doc of DOCS) {
  const lines = commandLines(readFileSync(join(REPO, doc), 'utf8'));
  const installs = helmInstalls(lines);

  describe(`the install commands of ${doc}`, () => {
    it('has at least one', () => assert.ok(installs.length > 0));

    const rendered = installs.map((install) => ({
      install,
      objects: render({ set: install.set, setJson: install.setJson, apiVersions: MONITORING_APIS }),
    }));

    for (const [i, { objects }] of rendered.entries()) {
      describe(`command ${i + 1}`, () => {
        it('renders objects that validate against their models', async () => {
          for (const o of objects) await validateObject(o);
        });

        it('gets the Ingress TLS Secret from a cert-manager Certificate for the host', () => {
          const ingress = one(objects, 'Ingress').spec as Json;
          const certificate = one(objects, 'Certificate').spec as Json;
          assert.equal(certificate.secretName, ingress.tls[0].secretName);
          assert.deepEqual(certificate.dnsNames, ingress.tls[0].hosts);
          const issuer = byKind(objects, 'Issuer').find(
            (o) => o.metadata.name === certificate.issuerRef.name,
          );
          assert.ok(
            issuer || certificate.issuerRef.kind === 'ClusterIssuer',
            'the issuer is created or a ClusterIssuer',
          );
        });

        it('labels the ServiceMonitor and the PrometheusRule with the release kube-prometheus-stack selects', () => {
          for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
            assert.equal(one(objects, kind).metadata.labels?.release, 'kube-prometheus-stack', kind);
          }
        });
      });
    }

    it('creates every Secret (and key) the pods read, and no Secret the pods do not read', () => {
      const created = createdSecrets(lines);
      const read = new Map<string, Set<string>>();
      for (const { objects } of rendered) {
        for (const [name, keys] of readSecrets(objects))
          read.set(name, new Set([...(read.get(name) ?? []), ...keys]));
      }
      for (const [name, keys] of read) {
        assert.ok(created.has(name), `${doc}: the pods read Secret ${name}, which no command creates`);
        for (const key of keys) {
          if (key !== '*') assert.ok(created.get(name)!.has(key), `${doc}: Secret ${name} lacks key ${key}`);
        }
      }
      for (const [name, keys] of created) {
        assert.ok(read.has(name), `${doc}: Secret ${name} is created but nothing reads it`);
        for (const key of keys) {
          const readKeys = read.get(name)!;
          assert.ok(
            readKeys.has(key) || readKeys.has('*'),
            `${doc}: key ${key} of Secret ${name} is read by nothing`,
          );
        }
      }
    });
  });
}

describe('the shell-word reading of the documents', () => {
  it('expands variables outside single quotes and keeps quoted text together', () => {
    assert.deepEqual(shellWords(`a "x=$HOST" 'y=$HOST' "{\${SKILL_ID}}" # note`, EXAMPLE_ENV), [
      'a',
      'x=alexa.example.com',
      'y=$HOST',
      `{${SKILL_ID}}`,
    ]);
  });

  it('refuses a variable the examples do not define', () => {
    assert.throws(() => shellWords('helm --set x=$UNDEFINED', EXAMPLE_ENV), /undefined variable \$UNDEFINED/);
  });
});
