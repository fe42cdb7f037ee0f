import { MusicModule } from '@lib/music';
import type { FeatureModule } from '@lib/service-runtime';

/**
 * The domain modules of this skill. Each brings its handlers and declares its own environment variables, which
 * `loadConfig` validates with the app's and `AppModule` hands to the module's `forRoot`: adding a module is
 * one line here.
 */
export const FEATURE_MODULES: readonly FeatureModule<unknown>[] = [MusicModule];
