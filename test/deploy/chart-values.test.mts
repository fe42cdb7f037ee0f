// The chart's values contract: values.schema.json rejects unknown keys and wrong types (helm itself enforces it on
// lint, template and install), the render refuses settings that cannot work in production, every scenario passes
// `helm lint --strict`, and docs/deploy.md lists every value as the schema and values.yaml define it.
// Run: node --test test/deploy/*.test.mts   (scripts/verify-chart.sh runs it)
/* eslint-disable @typescript-eslint/no-floating-promises -- node:test suites return promises the runner awaits */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CHART, lint, renderError, scenarios } from '../../scripts/chart/chart.mts';
import {
  DOC,
  type SchemaNode,
  valueRows,
  valuesTable,
  withTable,
} from '../../scripts/chart/values-table.mts';

const BAD = join(import.meta.dirname, 'fixtures', 'bad-values');
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as SchemaNode;
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as unknown;

describe('values the chart refuses', () => {
  for (const file of readdirSync(BAD).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(join(BAD, file), 'utf8');
    const expected = /^# expect: (.+)$/m.exec(text)?.[1];
    it(`${file}: ${expected}`, () => {
      assert.ok(expected, `${file} states the error it expects in a "# expect:" line`);
      const error = renderError({ valuesFiles: [join(BAD, file)] });
      assert.notEqual(error, '', 'helm template must fail');
      assert.ok(error.includes(expected), `helm said:\n${error}`);
      if (error.includes("values don't meet the specifications of the schema")) {
        const [ok, output] = lint({ valuesFiles: [join(BAD, file)] });
        assert.equal(ok, false, `helm lint --strict must fail too:\n${output}`);
      }
    });
  }

  it('the default values alone: production needs the skill ID', () => {
    assert.match(renderError({}), /config\.alexa\.skillIds is required when config\.nodeEnv is production/);
  });
});

describe('helm lint --strict', () => {
  for (const scenario of scenarios()) {
    it(`passes for ${scenario.name}`, () => {
      const [ok, output] = lint(scenario);
      assert.ok(ok, output);
      assert.doesNotMatch(output, /\[(WARNING|ERROR)\]/);
    });
  }
});

describe('values.schema.json', () => {
  it('closes every object (additionalProperties: false) and describes every property', () => {
    const problems: string[] = [];
    const walk = (node: SchemaNode, path: string) => {
      if (node.properties) {
        if (node.additionalProperties !== false) problems.push(`${path || '(root)'} accepts unknown keys`);
        for (const [name, child] of Object.entries(node.properties)) {
          if (!child.description) problems.push(`${path}${name} has no description`);
          walk(child, `${path}${name}.`);
        }
      }
    };
    walk(schema, '');
    assert.deepEqual(problems, []);
  });

  it('has a default in values.yaml for every value', () => {
    const missing = valueRows(schema, values)
      .filter((row) => row.default === undefined)
      .map((row) => row.key);
    assert.deepEqual(missing, []);
  });
});

describe('the default values', () => {
  const v = values as {
    replicaCount: number;
    autoscaling: {
      enabled: boolean;
      minReplicas: number;
      maxReplicas: number;
      customMetric: { enabled: boolean };
    };
    podDisruptionBudget: { maxUnavailable: number };
  };

  it('autoscale on CPU alone, from 2 pods, so one can be drained or lost while another answers', () => {
    assert.equal(v.autoscaling.enabled, true);
    assert.equal(v.autoscaling.customMetric.enabled, false, 'the custom metric needs prometheus-adapter');
    assert.ok(v.autoscaling.minReplicas >= 2);
    assert.ok(v.autoscaling.maxReplicas > v.autoscaling.minReplicas);
    assert.ok(v.autoscaling.minReplicas - v.podDisruptionBudget.maxUnavailable >= 1);
    assert.ok(v.replicaCount >= 2, 'replicaCount, used with autoscaling off, keeps two pods too');
  });
});

describe('docs/deploy.md', () => {
  it('lists every value with its type, default and description (node scripts/chart/values-table.mts --write)', () => {
    const doc = readFileSync(DOC, 'utf8');
    assert.equal(
      doc,
      withTable(doc, valuesTable()),
      'the values table is out of date: run node scripts/chart/values-table.mts --write',
    );
  });

  it('documents every environment variable the chart sets', () => {
    const doc = readFileSync(DOC, 'utf8');
    const configMap = readFileSync(join(CHART, 'templates', 'configmap.yaml'), 'utf8');
    const names = [...configMap.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1]);
    assert.ok(names.length >= 10);
    for (const name of names) assert.ok(doc.includes(name), `${name} is not mentioned in docs/deploy.md`);
  });
});
