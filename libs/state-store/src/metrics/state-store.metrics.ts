import { Inject, Injectable } from '@nestjs/common';
import { counter, gauge, METRICS_REGISTRY } from '@lib/metrics';
import type { Counter, Gauge, Registry } from 'prom-client';
import { STATE_STORE_ERRORS_METRIC, STATE_STORE_UP_METRIC } from '../state-store.constants';
import { STATE_STORE_OPERATIONS, type StateStoreOperation } from '../state-store.interface';

/** `state_store_errors_total{operation}` and `state_store_up`, every series present from start-up. */
@Injectable()
export class StateStoreMetrics {
  private readonly errors: Counter<'operation'>;
  private readonly up: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.errors = counter(registry, {
      name: STATE_STORE_ERRORS_METRIC,
      help: 'State store commands that failed (down, slow or refusing) and were answered by the fallback',
      labelNames: ['operation'],
    });
    for (const operation of STATE_STORE_OPERATIONS) this.errors.inc({ operation }, 0);
    this.up = gauge(registry, {
      name: STATE_STORE_UP_METRIC,
      help: 'Whether the state store answers (1) or the pod works from its own memory (0)',
    });
    this.up.set(1);
  }

  failed(operation: StateStoreOperation): void {
    this.errors.inc({ operation });
  }

  setUp(up: boolean): void {
    this.up.set(up ? 1 : 0);
  }
}
