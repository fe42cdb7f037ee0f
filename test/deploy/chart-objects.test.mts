// Every object the chart renders, for every scenario (default values, with the Prometheus operator's API,
// ci/*-values.yaml), validated against the Kubernetes and Prometheus-operator models, type-checked for unknown
// fields, and held to what the schemas do not say: labels, probes, security, resources, ports wired by name,
// graceful termination, ingress scope, network policy, monitoring wiring.
// Run: node --test test/deploy/*.test.mts   (scripts/verify-chart.sh runs it)
/* eslint-disable @typescript-eslint/no-floating-promises, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- node:test suites return promises the runner awaits; rendered objects are untyped JSON, walked as such, as the project allows in its TypeScript e2e tests */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  byKind,
  CHART,
  type K8sObject,
  NAMESPACE,
  one,
  render,
  renderError,
  renderNotes,
  scenarios,
  SKILL_ID,
} from '../../scripts/chart/chart.mts';
import { findUnknownFields, validateObject } from '../../scripts/chart/k8s-models.mts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are walked as plain JSON
type Json = Record<string, any>;

const rendered = new Map<string, K8sObject[]>();
const all = scenarios();

before(() => {
  for (const scenario of all) rendered.set(scenario.name, render(scenario));
});

function objects(name: string): K8sObject[] {
  const found = rendered.get(name);
  assert.ok(found, `scenario ${name} was rendered`);
  return found;
}
const spec = (o: K8sObject) => o.spec as Json;

function podSpec(list: K8sObject[]): Json {
  return spec(one(list, 'Deployment')).template.spec as Json;
}
function container(list: K8sObject[]): Json {
  const containers = podSpec(list).containers as Json[];
  assert.equal(containers.length, 1);
  return containers[0];
}
function appConfig(list: K8sObject[]): Record<string, string> {
  const maps = byKind(list, 'ConfigMap').filter((c) => !c.metadata.name.endsWith('-dashboard'));
  assert.equal(maps.length, 1, 'one application ConfigMap');
  return maps[0].data as Record<string, string>;
}

describe('every rendered object, in every scenario', () => {
  for (const scenario of all) {
    describe(scenario.name, () => {
      it('validates against the Kubernetes / Prometheus-operator models', async () => {
        for (const o of objects(scenario.name)) {
          await validateObject(o).catch((error: Error) =>
            assert.fail(`${o.kind}/${o.metadata.name}: ${error.message}`),
          );
        }
      });

      it('carries the standard labels and the release namespace', () => {
        for (const o of objects(scenario.name)) {
          const labels = o.metadata.labels ?? {};
          for (const key of [
            'app.kubernetes.io/name',
            'app.kubernetes.io/instance',
            'app.kubernetes.io/version',
            'app.kubernetes.io/managed-by',
            'helm.sh/chart',
          ]) {
            assert.ok(labels[key], `${o.kind}/${o.metadata.name} lacks label ${key}`);
          }
          if (!(o.kind === 'ConfigMap' && o.metadata.name.endsWith('-dashboard'))) {
            assert.equal(o.metadata.namespace, NAMESPACE, `${o.kind}/${o.metadata.name} namespace`);
          }
        }
      });
    });
  }

  it('has no field the Kubernetes / Prometheus-operator types do not know', () => {
    const list = all.flatMap((s) => objects(s.name).map((o) => ({ s, o })));
    const problems = findUnknownFields(
      list.map((x) => x.o),
      (o, i) => `${list[i].s.name} ${o.kind}/${o.metadata.name}`,
    );
    assert.deepEqual(problems, []);
  });

  it('the unknown-field check does find a misspelt field', () => {
    const deployment = structuredClone(one(objects('defaults'), 'Deployment')) as K8sObject & Json;
    deployment.spec.template.spec.containers[0].readinesProbe = {
      httpGet: { path: '/health/ready', port: 'http' },
    };
    const problems = findUnknownFields([deployment], () => 'mutated');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /readinesProbe/);
  });
});

describe('the Deployment', () => {
  for (const scenario of all) {
    describe(scenario.name, () => {
      const list = () => objects(scenario.name);

      it('rolls out without ever going below the desired count', () => {
        const strategy = spec(one(list(), 'Deployment')).strategy as Json;
        assert.equal(strategy.type, 'RollingUpdate');
        assert.equal(strategy.rollingUpdate.maxUnavailable, 0);
      });

      it('probes /health/live and /health/ready on the app port by name', () => {
        const c = container(list());
        assert.deepEqual(c.startupProbe.httpGet, { path: '/health/live', port: 'http' });
        assert.deepEqual(c.livenessProbe.httpGet, { path: '/health/live', port: 'http' });
        assert.deepEqual(c.readinessProbe.httpGet, { path: '/health/ready', port: 'http' });
      });

      it('names the app and metrics ports after the values the service reads', () => {
        const c = container(list());
        const env = appConfig(list());
        const ports = Object.fromEntries((c.ports as Json[]).map((p) => [p.name, p.containerPort]));
        assert.deepEqual(Object.keys(ports).sort(), ['http', 'metrics']);
        assert.equal(String(ports.http), env.PORT);
        assert.equal(String(ports.metrics), env.METRICS_PORT);
        assert.notEqual(ports.http, ports.metrics);
      });

      it('runs non-root, read-only, without capabilities, with RuntimeDefault seccomp and no API token', () => {
        const pod = podSpec(list());
        const c = container(list());
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.ok(pod.securityContext.runAsUser > 0);
        assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.equal(c.securityContext.privileged, false);
        assert.equal(c.securityContext.runAsNonRoot, true);
        assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
        assert.equal(c.securityContext.seccompProfile.type, 'RuntimeDefault');
      });

      it('requests CPU and memory and limits memory', () => {
        const r = container(list()).resources as Json;
        assert.ok(r.requests?.cpu, 'cpu request');
        assert.ok(r.requests?.memory, 'memory request');
        assert.ok(r.limits?.memory, 'memory limit');
      });

      it('caps connections so that each can hold a whole body between the memory request and limit', () => {
        const r = container(list()).resources as Json;
        const env = appConfig(list());
        const connections = Number(env.MAX_CONNECTIONS);
        const perConnection = Number(env.BODY_LIMIT_BYTES) + 16 * 1024;
        assert.ok(Number.isInteger(connections) && connections > 0, `MAX_CONNECTIONS=${env.MAX_CONNECTIONS}`);
        const room = bytes(r.limits.memory) - bytes(r.requests.memory);
        assert.ok(connections * perConnection <= room, `${connections} x ${perConnection} B > ${room} B`);
        assert.ok((connections + 1) * perConnection > room, `${connections} leaves room for more`);
      });

      it('pauses in preStop and gives the drain time to finish before SIGKILL', () => {
        const pod = podSpec(list());
        const preStop = container(list()).lifecycle.preStop as Json;
        const sleepSeconds = preStop.sleep
          ? Number(preStop.sleep.seconds)
          : Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(preStop.exec.command.join(' '))?.[1]) / 1000;
        assert.ok(sleepSeconds > 0, 'preStop sleeps');
        const drainSeconds = Number(appConfig(list()).SHUTDOWN_TIMEOUT_MS) / 1000;
        assert.ok(
          pod.terminationGracePeriodSeconds > sleepSeconds + drainSeconds,
          `grace ${pod.terminationGracePeriodSeconds}s > ${sleepSeconds}s preStop + ${drainSeconds}s drain`,
        );
        if (preStop.exec) assert.equal(preStop.exec.command[0], 'node', 'the exec hook needs no shell');
      });

      it('reads configuration from its ConfigMap and secrets only by reference', () => {
        const c = container(list());
        const cm = byKind(list(), 'ConfigMap').find((m) => !m.metadata.name.endsWith('-dashboard'))!;
        assert.ok((c.envFrom as Json[]).some((e) => e.configMapRef?.name === cm.metadata.name));
        for (const e of (c.env ?? []) as Json[]) {
          assert.equal(e.value, undefined, `env ${e.name} is inline`);
          assert.ok(e.valueFrom?.secretKeyRef?.name, `env ${e.name} comes from a Secret`);
        }
        for (const key of Object.keys(appConfig(list())))
          assert.doesNotMatch(key, /SECRET|TOKEN|PASSWORD|PRIVATE_KEY/, `ConfigMap key ${key}`);
        const annotations = spec(one(list(), 'Deployment')).template.metadata.annotations as Json;
        assert.match(annotations['checksum/config'], /^[a-f0-9]{64}$/);
      });

      it('selects exactly its own pods', () => {
        const d = spec(one(list(), 'Deployment'));
        const podLabels = d.template.metadata.labels as Json;
        for (const [k, v] of Object.entries(d.selector.matchLabels as Json)) assert.equal(podLabels[k], v);
        assert.deepEqual(Object.keys(d.selector.matchLabels as Json).sort(), [
          'app.kubernetes.io/instance',
          'app.kubernetes.io/name',
        ]);
      });
    });
  }

  it('spreads pods across zones and nodes when enabled', () => {
    const constraints = podSpec(objects('defaults')).topologySpreadConstraints as Json[];
    const selector = spec(one(objects('defaults'), 'Deployment')).selector.matchLabels as Json;
    assert.deepEqual(constraints.map((c) => c.topologyKey).sort(), [
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
    for (const c of constraints) assert.deepEqual(c.labelSelector.matchLabels, selector);
    assert.equal(podSpec(objects('ci/disabled-values.yaml')).topologySpreadConstraints, undefined);
  });

  it('pins the image by digest when one is given', () => {
    assert.match(
      container(objects('ci/production-values.yaml')).image,
      /^registry\.example\.com\/alexa\/skill-service@sha256:[a-f0-9]{64}$/,
    );
    assert.equal(container(objects('defaults')).image, `ghcr.io/example/skill-service:${chartAppVersion()}`);
  });

  it('leaves the replica count to the HPA when autoscaling (the default), to replicaCount otherwise', () => {
    assert.equal(spec(one(objects('ci/production-values.yaml'), 'Deployment')).replicas, undefined);
    assert.equal(spec(one(objects('defaults'), 'Deployment')).replicas, undefined);
    assert.equal(spec(one(objects('ci/disabled-values.yaml'), 'Deployment')).replicas, 2);
  });
});

/** Bytes of a Kubernetes memory quantity. */
function bytes(quantity: string): number {
  const [, number, unit = ''] = /^([0-9.]+)([a-zA-Z]*)$/.exec(quantity) ?? [];
  const factors: Record<string, number> = {
    '': 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
  };
  assert.ok(number !== undefined && unit in factors, `quantity ${quantity}`);
  return Number(number) * factors[unit];
}

describe('MAX_CONNECTIONS', () => {
  it('is 1137 with the default 160Mi request, 320Mi limit and 128 KiB body limit', () => {
    assert.equal(appConfig(objects('defaults')).MAX_CONNECTIONS, '1137');
  });

  it('follows the memory and body limits', () => {
    const config = (set: string[]) =>
      appConfig(render({ set: [`config.alexa.skillIds={${SKILL_ID}}`, ...set] })).MAX_CONNECTIONS;
    assert.equal(config(['resources.requests.memory=256Mi', 'resources.limits.memory=1Gi']), '5461');
    assert.equal(config(['config.bodyLimitBytes=1048576']), '157');
    assert.equal(config(['resources.limits.memory=0.5Gi']), '2503');
  });

  it('takes an explicit value as it is, 0 (unlimited) included', () => {
    const config = (value: string) =>
      appConfig(render({ set: [`config.alexa.skillIds={${SKILL_ID}}`, `config.maxConnections=${value}`] }))
        .MAX_CONNECTIONS;
    assert.equal(config('250'), '250');
    assert.equal(config('0'), '0');
  });
});

function chartAppVersion(): string {
  return (parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion;
}

describe('the Service', () => {
  it('is ClusterIP and targets the container ports by name', () => {
    for (const scenario of all) {
      const s = spec(one(objects(scenario.name), 'Service'));
      assert.equal(s.type, 'ClusterIP');
      assert.deepEqual(
        (s.ports as Json[]).map((p) => [p.name, p.targetPort]),
        [
          ['http', 'http'],
          ['metrics', 'metrics'],
        ],
      );
      assert.deepEqual(s.selector, spec(one(objects(scenario.name), 'Deployment')).selector.matchLabels);
    }
  });
});

describe('the Ingress', () => {
  const prod = () => objects('ci/production-values.yaml');

  it('routes only the skill endpoint, exactly, to the app port', () => {
    const ingress = spec(one(prod(), 'Ingress'));
    const service = one(prod(), 'Service');
    assert.equal(ingress.ingressClassName, 'nginx');
    assert.equal((ingress.rules as Json[]).length, 1);
    const paths = ingress.rules[0].http.paths as Json[];
    assert.deepEqual(paths, [
      {
        path: '/alexa',
        pathType: 'Exact',
        backend: { service: { name: service.metadata.name, port: { name: 'http' } } },
      },
    ]);
    assert.equal(ingress.defaultBackend, undefined);
  });

  it('terminates TLS for its host', () => {
    const ingress = spec(one(prod(), 'Ingress'));
    assert.deepEqual(ingress.tls, [{ hosts: ['alexa.example.com'], secretName: 'alexa-example-com-tls' }]);
    assert.equal(ingress.rules[0].host, 'alexa.example.com');
  });

  it('gets its TLS Secret from a cert-manager Certificate of an existing ClusterIssuer (no Issuer of its own)', () => {
    const certificate = spec(one(prod(), 'Certificate'));
    assert.deepEqual(certificate, {
      secretName: 'alexa-example-com-tls',
      dnsNames: ['alexa.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
    });
    assert.equal(byKind(prod(), 'Issuer').length, 0);
  });

  it('is absent unless enabled, and so are the cert-manager objects', () => {
    assert.equal(byKind(objects('defaults'), 'Ingress').length, 0);
    assert.equal(byKind(objects('defaults'), 'Certificate').length, 0);
  });
});

describe('autoscaling and disruption', () => {
  it('autoscales by default on CPU alone (no metrics adapter needed), between 2 and 10 pods', () => {
    for (const name of ['defaults', 'defaults+operator', 'ci/minimal-values.yaml']) {
      const list = objects(name);
      const hpa = spec(one(list, 'HorizontalPodAutoscaler'));
      assert.deepEqual(hpa.scaleTargetRef, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: one(list, 'Deployment').metadata.name,
      });
      assert.deepEqual(hpa.metrics, [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ]);
      assert.equal(hpa.minReplicas, 2, `${name}: minReplicas`);
      assert.equal(hpa.maxReplicas, 10, `${name}: maxReplicas`);
      // Utilisation is a share of the request: without a CPU request the HPA cannot compute it.
      assert.ok(container(list).resources.requests.cpu, `${name}: CPU request`);
      // Scale in one pod a minute after 5 quiet minutes: each removed pod drains first.
      assert.deepEqual(hpa.behavior.scaleDown, {
        stabilizationWindowSeconds: 300,
        policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
      });
    }
    assert.equal(byKind(objects('ci/disabled-values.yaml'), 'HorizontalPodAutoscaler').length, 0);
  });

  it('keeps one pod answering through a voluntary disruption at the lowest autoscaled count', () => {
    const list = objects('defaults');
    const hpa = spec(one(list, 'HorizontalPodAutoscaler'));
    const pdb = spec(one(list, 'PodDisruptionBudget'));
    assert.ok(hpa.minReplicas - pdb.maxUnavailable >= 1);
  });

  it('scales the Deployment on CPU and the custom metric', () => {
    const list = objects('ci/production-values.yaml');
    const hpa = spec(one(list, 'HorizontalPodAutoscaler'));
    assert.deepEqual(hpa.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: one(list, 'Deployment').metadata.name,
    });
    assert.deepEqual(
      (hpa.metrics as Json[]).map((m) => m.type),
      ['Resource', 'Pods'],
    );
    assert.equal(hpa.metrics[0].resource.name, 'cpu');
    assert.deepEqual(hpa.metrics[1].pods, {
      metric: { name: 'alexa_requests_per_second' },
      target: { type: 'AverageValue', averageValue: '25' },
    });
    assert.ok(hpa.minReplicas >= 2);
  });

  it('keeps a PodDisruptionBudget over the same pods', () => {
    const list = objects('defaults');
    const pdb = spec(one(list, 'PodDisruptionBudget'));
    assert.deepEqual(pdb.selector.matchLabels, spec(one(list, 'Deployment')).selector.matchLabels);
    assert.equal(pdb.maxUnavailable, 1);
  });
});

describe('the install notes', () => {
  const skillId = `config.alexa.skillIds={${SKILL_ID}}`;

  it('warn by default that the autoscaled pods share no state, and say what to do', () => {
    const notes = renderNotes({ set: [skillId] });
    assert.match(notes, /HorizontalPodAutoscaler skill-service: 2 to 10 pods at 70 % of the CPU request\./);
    assert.match(notes, /WARNING: 2 to 10 pods run without a shared state store/);
    assert.match(
      notes,
      /set stateStore\.redis\.existingSecret and stateStore\.keySecret\.existingSecret \(docs\/scale-out\.md\)/,
    );
    assert.match(
      notes,
      /For a trial with one pod instead: --set autoscaling\.enabled=false --set replicaCount=1\./,
    );
  });

  it('do not warn with the shared state store, nor with one pod', () => {
    assert.doesNotMatch(
      renderNotes({ valuesFiles: ['helm/skill-service/ci/production-values.yaml'] }),
      /shared state store/,
    );
    const single = renderNotes({ set: [skillId, 'autoscaling.enabled=false', 'replicaCount=1'] });
    assert.match(single, /1 pod\(s\) \(autoscaling\.enabled=false\)/);
    assert.doesNotMatch(single, /WARNING/);
  });

  it('warn when the custom metric is on but the cluster serves no custom metrics API', () => {
    const production = { valuesFiles: ['helm/skill-service/ci/production-values.yaml'] };
    assert.match(
      renderNotes(production),
      /WARNING: the cluster serves no custom\.metrics\.k8s\.io API, so the HPA cannot read alexa_requests_per_second/,
    );
    const withAdapter = renderNotes({ ...production, apiVersions: ['custom.metrics.k8s.io/v1beta1'] });
    assert.match(
      withAdapter,
      /3 to 12 pods at 65 % of the CPU request and 25 alexa_requests_per_second per pod/,
    );
    assert.doesNotMatch(withAdapter, /WARNING/);
  });
});

describe('the NetworkPolicy', () => {
  for (const name of ['defaults', 'ci/production-values.yaml']) {
    it(`${name}: admits the ingress controller to the app port and Prometheus to the metrics port, nothing else`, () => {
      const list = objects(name);
      const policy = spec(one(list, 'NetworkPolicy'));
      assert.deepEqual(policy.podSelector.matchLabels, spec(one(list, 'Deployment')).selector.matchLabels);
      assert.equal(policy.policyTypes[0], 'Ingress');
      const rules = policy.ingress as Json[];
      assert.deepEqual(
        rules.map((r) => (r.ports as Json[]).map((p) => p.port)),
        [['http'], ['metrics']],
      );
      for (const rule of rules) {
        for (const peer of rule.from as Json[])
          assert.ok(
            Object.keys(peer.namespaceSelector.matchLabels as Json).length > 0,
            'a namespace selector, never all namespaces',
          );
      }
      const portNames = (container(list).ports as Json[]).map((p) => p.name);
      for (const rule of rules)
        for (const p of rule.ports as Json[])
          assert.ok(portNames.includes(p.port), `port ${p.port} exists on the container`);
    });
  }
});

describe('the shared state store', () => {
  it('reads REDIS_URL and STATE_KEY_SECRET from existing Secrets, never from the ConfigMap', () => {
    const list = objects('ci/production-values.yaml');
    const env = container(list).env as Json[];
    assert.deepEqual(
      env
        .filter((e) => e.name === 'REDIS_URL' || e.name === 'STATE_KEY_SECRET')
        .map((e) => [e.name, e.valueFrom]),
      [
        ['REDIS_URL', { secretKeyRef: { name: 'skill-service-state', key: 'redis-url' } }],
        ['STATE_KEY_SECRET', { secretKeyRef: { name: 'skill-service-state', key: 'state-key-secret' } }],
      ],
    );
    assert.equal(appConfig(list).REDIS_URL, undefined);
    assert.equal(appConfig(list).STATE_COMMAND_TIMEOUT_MS, '50');
    assert.equal(appConfig(objects('defaults')).STATE_COMMAND_TIMEOUT_MS, undefined, "the service's default");
  });

  it('opens egress to DNS, HTTPS, Redis and the OTLP collector only, once Redis is set', () => {
    const policy = spec(one(objects('ci/production-values.yaml'), 'NetworkPolicy'));
    assert.deepEqual(policy.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(
      (policy.egress as Json[]).map((rule) => [
        (rule.ports as Json[]).map((p) => `${p.port}/${p.protocol}`),
        rule.to,
      ]),
      [
        [['53/UDP', '53/TCP'], undefined],
        [['443/TCP'], undefined],
        [['6380/TCP'], [{ ipBlock: { cidr: '10.20.30.0/24' } }]],
        [
          ['4318/TCP'],
          [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
        ],
      ],
    );
    assert.deepEqual(spec(one(objects('defaults'), 'NetworkPolicy')).policyTypes, ['Ingress']);
  });
});

describe('traces', () => {
  const OTEL = [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_SERVICE_NAME',
    'OTEL_TRACES_SAMPLER',
    'OTEL_TRACES_SAMPLER_ARG',
  ];
  const otelOf = (config: Record<string, string>) =>
    Object.fromEntries(Object.entries(config).filter(([name]) => name.startsWith('OTEL_')));

  it('are off by default: no OTEL_ variable reaches the pods', () => {
    assert.deepEqual(otelOf(appConfig(objects('defaults'))), {});
  });

  it('reach the pods as the standard OTEL_ variables once otel.endpoint is set, 10 % of new traces sampled', () => {
    assert.deepEqual(otelOf(appConfig(objects('ci/production-values.yaml'))), {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_SERVICE_NAME: 'skill-service',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
  });

  it("open the collector's port for egress: the endpoint's, else the scheme's", () => {
    const collectorPorts = (endpoint: string) => {
      const list = render({
        set: [
          `config.alexa.skillIds={${SKILL_ID}}`,
          'networkPolicy.egress.enabled=true',
          `otel.endpoint=${endpoint}`,
        ],
      });
      const rules = spec(one(list, 'NetworkPolicy')).egress as Json[];
      return rules.slice(2).map((rule) => (rule.ports as Json[]).map((p) => p.port));
    };
    assert.deepEqual(collectorPorts('http://collector:4318'), [[4318]]);
    assert.deepEqual(collectorPorts('https://otlp.vendor.example'), [[443]]);
    assert.deepEqual(collectorPorts('http://collector.observability'), [[80]]);
  });

  it('leave the OTEL_ variables the otel block sets to it, not to config.extraEnv', () => {
    for (const name of OTEL) {
      const error = renderError({
        set: [`config.alexa.skillIds={${SKILL_ID}}`, `config.extraEnv.${name}=x`],
      });
      assert.match(error, new RegExp(`config.extraEnv.${name} is set by its own chart value`));
    }
  });
});

describe('the ServiceAccount', () => {
  it('mounts no token and grants nothing', () => {
    const sa = one(objects('defaults'), 'ServiceAccount');
    assert.equal(sa.automountServiceAccountToken, false);
    assert.equal(podSpec(objects('defaults')).serviceAccountName, sa.metadata.name);
    for (const kind of ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'])
      assert.equal(byKind(objects('ci/production-values.yaml'), kind).length, 0);
  });
});

describe('monitoring objects', () => {
  it('are rendered in auto mode only when the operator API exists', () => {
    assert.equal(byKind(objects('defaults'), 'ServiceMonitor').length, 0);
    assert.equal(byKind(objects('defaults'), 'PrometheusRule').length, 0);
    assert.equal(byKind(objects('defaults+operator'), 'ServiceMonitor').length, 1);
    assert.equal(byKind(objects('defaults+operator'), 'PrometheusRule').length, 1);
  });

  it('the ServiceMonitor scrapes the Service metrics port of this release', () => {
    const list = objects('ci/production-values.yaml');
    const monitor = one(list, 'ServiceMonitor');
    const service = one(list, 'Service');
    assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');
    const s = spec(monitor);
    for (const [k, v] of Object.entries(s.selector.matchLabels as Json))
      assert.equal(service.metadata.labels?.[k], v);
    assert.deepEqual(s.namespaceSelector, { matchNames: [NAMESPACE] });
    assert.equal(s.endpoints.length, 1);
    assert.equal(s.endpoints[0].port, 'metrics');
    assert.equal(s.endpoints[0].path, '/metrics');
    assert.ok((spec(service).ports as Json[]).some((p) => p.name === 'metrics'));
  });

  it('the dashboard ConfigMap carries the sidecar label and the dashboard JSON unchanged', () => {
    const list = objects('ci/production-values.yaml');
    const cm = byKind(list, 'ConfigMap').find((m) => m.metadata.name.endsWith('-dashboard'))!;
    assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
    assert.equal(cm.metadata.namespace, 'monitoring');
    assert.equal(cm.metadata.annotations?.grafana_folder, 'Alexa');
    const file = readFileSync(join(CHART, 'dashboards', 'skill-service.json'), 'utf8');
    assert.deepEqual(JSON.parse((cm.data as Json)['skill-service.json'] as string), JSON.parse(file));
  });
});

describe('everything off', () => {
  it('renders only the Deployment, Service and ConfigMap', () => {
    const kinds = objects('ci/disabled-values.yaml')
      .map((o) => o.kind)
      .sort();
    assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'Service']);
    assert.equal(podSpec(objects('ci/disabled-values.yaml')).serviceAccountName, 'default');
  });
});
