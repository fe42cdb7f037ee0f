import { UpstreamError } from '@lib/resilient-http';

/** The user has no Spotify device playing or ready to play (404 `NO_ACTIVE_DEVICE` from a player call). */
export class NoActiveDeviceError extends UpstreamError {
  readonly code = 'no_active_device';
  constructor(provider: string, operation: string) {
    super(provider, operation, 404, 'no active device (404)');
  }
}
