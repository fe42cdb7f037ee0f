import type { DynamicModule } from '@nestjs/common';
import type { z } from 'zod';

/** A refusal a module's cross-variable check makes: the variable it names, and why. */
export interface SettingsProblem {
  readonly variable: string;
  readonly message: string;
}

/** What a module's checks know of the deployment. */
export interface SettingsContext {
  /** `NODE_ENV=production`. */
  readonly production: boolean;
}

/**
 * The environment variables one module reads, declared by the module. The app merges every feature module's
 * variables into its one validation at start-up (an invalid value stops the start, naming the variable), hands
 * the module its typed options from the validated values, and generates the README's configuration table from
 * the variables' metadata.
 */
export interface ModuleSettings<Options> {
  /**
   * The variables, by name, each with its zod schema and default. `.meta({ description })` is the README's
   * "Meaning"; `.meta({ defaultText })` replaces the default column where the default is not one value.
   */
  readonly variables: z.ZodRawShape;
  /** The module's options from the validated values (every variable of the app, by name). */
  options(env: Readonly<Record<string, unknown>>): Options;
  /** Refusals across variables or deployments, e.g. a setting required in production. @default none */
  check?(env: Readonly<Record<string, unknown>>, context: SettingsContext): SettingsProblem[];
}

/**
 * A domain module the app adds with one line in its list of feature modules: its settings come with it, and the
 * app builds it with `forRoot(settings.options(validatedEnv))`. A module class with a static `settings` and a
 * static `forRoot` is one.
 */
export interface FeatureModule<Options> {
  readonly settings: ModuleSettings<Options>;
  forRoot(options: Options): DynamicModule;
}
