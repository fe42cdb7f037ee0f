import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { ShutdownState } from '../lifecycle/shutdown-state.service';

/** Kubernetes probes: liveness says the event loop answers; readiness turns false once draining starts. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => {
        const session = this.indicator.check('lifecycle');
        return this.shutdown.isShuttingDown()
          ? session.down({ state: 'draining' })
          : session.up({ state: 'serving' });
      },
    ]);
  }
}
