import { Injectable } from '@nestjs/common';

/**
 * Whether the process is draining. Readiness reads it, so Kubernetes stops routing new requests
 * the moment SIGTERM arrives, while in-flight requests finish.
 */
@Injectable()
export class ShutdownState {
  private draining = false;

  beginShutdown(): void {
    this.draining = true;
  }

  isShuttingDown(): boolean {
    return this.draining;
  }
}
