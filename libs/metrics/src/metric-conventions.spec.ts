import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import {
  checkConventions,
  readRegistry,
  type LabelAllowList,
} from '../../../test/observability/support/metric-conventions';
import {
  defaultMetricLabels,
  isDefaultMetric,
  STATUS_CLASSES,
} from '../../../test/observability/support/service-label-policy';
import { METRICS_REGISTRY, MetricsModule } from './index';
import { counter, gauge, histogram } from './metric-factory';

// The registry walk that test/observability/metric-registry.e2e-spec.ts runs on the full app, here on the
// metrics module alone and on registries built to break each rule once.

const HTTP_LABELS: LabelAllowList = {
  route: { bound: 'route patterns', values: /^(\/[a-z/:-]*|unmatched)$/ },
  status_class: { bound: 'one per hundred', values: STATUS_CLASSES },
};

describe('metric conventions (registry walk)', () => {
  it('accepts the metrics module: http_requests_total and the prefixed default process metrics', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule.forRoot({ serve: false, defaultMetricsPrefix: 'svc_' })],
    }).compile();
    const registry = moduleRef.get<Registry>(METRICS_REGISTRY);
    const families = await readRegistry(registry);
    expect(families.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'http_requests_total',
        'svc_process_cpu_seconds_total',
        'svc_nodejs_version_info',
      ]),
    );
    expect(
      checkConventions(families, {
        labels: HTTP_LABELS,
        isForeign: isDefaultMetric('svc_'),
        foreignLabels: defaultMetricLabels('svc_'),
      }),
    ).toEqual([]);
    await moduleRef.close();
  });

  it('holds default metrics to help text and bounded labels, not to our naming', async () => {
    const registry = new Registry();
    gauge(registry, { name: 'nodejs_active_handles_total', help: 'Number of active libuv handles.' });
    const families = await readRegistry(registry);
    expect(checkConventions(families, { labels: {}, isForeign: isDefaultMetric() })).toEqual([]);
    expect(checkConventions(families, { labels: {} })).toEqual([
      'nodejs_active_handles_total: a gauge must not end in "_total"',
    ]);
  });

  it('reports each broken rule with the metric it concerns', async () => {
    const registry = new Registry();
    counter(registry, { name: 'jobs_done', help: 'Jobs done by the worker pool.' });
    counter(registry, { name: 'silent_total', help: 'silent_total' }); // prom-client refuses an empty help
    counter(registry, { name: 'terse_total', help: 'Terse.' });
    gauge(registry, { name: 'queue_depth_total', help: 'Jobs waiting in the queue.' });
    histogram(registry, { name: 'job_duration_milliseconds', help: 'How long one job takes to run.' });
    histogram(registry, { name: 'job_size', help: 'Size of one job in arbitrary units.' });
    counter(registry, { name: 'fooBar_total', help: 'A counter with a camel-case name.' });
    counter(registry, { name: 'lookups_count', help: 'A counter named like a histogram series.' });
    const byUser = counter(registry, {
      name: 'logins_total',
      help: 'Logins by user (an unbounded label).',
      labelNames: ['user_id'],
    });
    byUser.inc({ user_id: 'amzn1.ask.account.X' });
    const byPod = counter(registry, {
      name: 'restarts_total',
      help: 'Restarts, wrongly labelled with a target label.',
      labelNames: ['pod'],
    });
    byPod.inc({ pod: 'p-1' });
    const byStatus = counter(registry, {
      name: 'answers_total',
      help: 'Answers by status class.',
      labelNames: ['status_class', 'statusCode'],
    });
    byStatus.inc({ status_class: '2xx', statusCode: '200' });
    byStatus.inc({ status_class: '200', statusCode: '200' });

    const problems = checkConventions(await readRegistry(registry), { labels: HTTP_LABELS });
    expect(problems).toEqual([
      'jobs_done: counter name must end in "_total"',
      'silent_total: has no help text',
      'terse_total: help text "Terse." says too little',
      'queue_depth_total: a gauge must not end in "_total"',
      'job_duration_milliseconds: name uses a non-base unit (use seconds, bytes or a ratio)',
      'job_duration_milliseconds: a histogram name must end with its base unit (_seconds, _bytes, _ratio)',
      'job_size: a histogram name must end with its base unit (_seconds, _bytes, _ratio)',
      'fooBar_total: name is not lower snake_case (colons are for recording rules)',
      'lookups_count: counter name must end in "_total"',
      'lookups_count: name ends with a suffix the exposition format reserves',
      'logins_total: label "user_id" is not in the allow-list of bounded labels',
      'restarts_total: label "pod" is a target label: the scrape adds it, a series must not carry it',
      'answers_total: label status_class="200" is outside its known values (one per hundred)',
      'answers_total: label "statusCode" is not snake_case',
      'answers_total: label "statusCode" is not in the allow-list of bounded labels',
    ]);
  });

  it('checks values per metric where one label name means different things', async () => {
    const registry = new Registry();
    counter(registry, { name: 'cards_total', help: 'Cards sent, by reason.', labelNames: ['reason'] }).inc({
      reason: 'missing_token',
    });
    counter(registry, { name: 'retries_total', help: 'Retries, by reason.', labelNames: ['reason'] }).inc({
      reason: 'missing_token',
    });
    counter(registry, { name: 'other_total', help: 'Something else, by reason.', labelNames: ['reason'] });
    const labels: LabelAllowList = {
      reason: { bound: 'per metric', values: { cards_total: ['missing_token'], retries_total: /^\d{3}$/ } },
    };
    expect(checkConventions(await readRegistry(registry), { labels })).toEqual([
      'retries_total: label reason="missing_token" is outside its known values (per metric)',
      'other_total: label "reason" has no value set for this metric',
    ]);
  });
});
