import { Inject } from '@nestjs/common';
import { getResilientClientToken } from './resilient-http.constants';

/** Injects the client declared with `ResilientHttpModule.forFeature({ name })`. */
export const InjectResilientClient = (name: string): PropertyDecorator & ParameterDecorator =>
  Inject(getResilientClientToken(name));
