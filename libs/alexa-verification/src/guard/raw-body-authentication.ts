import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, HttpAdapterHost, Reflector } from '@nestjs/core';
import { ALEXA_SKILL_ENDPOINT } from '@lib/alexa-protocol';
import { checkRawBodyBeforeParsing } from '@lib/service-runtime';
import { VERIFICATION_SETTINGS } from '../alexa-verification.constants';
import type { VerificationSettings } from '../verification-settings';
import { AlexaVerificationGuard } from './alexa-verification.guard';

/**
 * Registers the guard's raw-bytes checks for the route of every controller marked `ALEXA_SKILL_ENDPOINT`, so the
 * signature is checked before the body is parsed: parsing is the expensive part of a hostile body (nesting, many
 * small values), and an unsigned request never gets that far. Needs the service's Fastify adapter
 * (`createFastifyAdapter`) and routes without a global prefix; elsewhere the guard checks everything after
 * parsing.
 */
@Injectable()
export class RawBodyAuthentication implements OnModuleInit {
  private readonly logger = new Logger('AlexaVerification');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly guard: AlexaVerificationGuard,
    @Inject(VERIFICATION_SETTINGS) private readonly settings: VerificationSettings,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.settings.enabled || !adapter) return;
    for (const { metatype } of this.discovery.getControllers()) {
      if (!metatype || this.reflector.get<boolean>(ALEXA_SKILL_ENDPOINT, metatype) !== true) continue;
      const route = routeOf(Reflect.getMetadata(PATH_METADATA, metatype) as string | undefined);
      const registered = checkRawBodyBeforeParsing(adapter, route, (request, rawBody) =>
        this.guard.authenticateRawBody(request, rawBody),
      );
      if (!registered) {
        this.logger.warn(`${route}: the HTTP adapter parses bodies before their signature is checked`);
      }
    }
  }
}

/** `alexa/`, `/alexa` -> `/alexa` (Fastify's route URL for the controller's `@Post()`). */
function routeOf(controllerPath: string | undefined): string {
  return `/${(controllerPath ?? '').replace(/^\/+|\/+$/g, '')}`;
}
