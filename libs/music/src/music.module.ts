import { type DynamicModule, Module } from '@nestjs/common';
import { upstreamErrorSpeech } from '@lib/account-linking';
import { AlexaSkillModule } from '@lib/alexa-skill';
import type { ModuleSettings } from '@lib/service-runtime';
import { MUSIC_API_SETTINGS, MUSIC_PROVIDER, MusicApiModule } from './api';
import type { MusicApiOptions } from './api';
import { MusicLaunchHandler } from './handlers/launch.handler';
import { PauseHandler } from './handlers/pause.handler';
import { PlayMusicHandler } from './handlers/play-music.handler';
import { WhatsPlayingHandler } from './handlers/whats-playing.handler';
import { MUSIC_HELP, MUSIC_TEXTS } from './texts/music.texts';

const requestHandlers = [MusicLaunchHandler];
const intentHandlers = [WhatsPlayingHandler, PlayMusicHandler, PauseHandler];

export interface MusicModuleOptions {
  /** The music API client's settings (`MUSIC_API_*` in the app). @default {} */
  api?: MusicApiOptions;
}

/**
 * The example domain module: a Spotify-like music API on behalf of the linked user. The skill core finds
 * its handlers by their decorators, and the built-in Help says its line. A feature module: the app lists it, and
 * its `MUSIC_API_*` settings are validated with the app's configuration and handed to `forRoot`.
 * Needs `ProgressiveResponseModule` (the app provides it globally).
 */
@Module({})
export class MusicModule {
  static readonly settings: ModuleSettings<MusicModuleOptions> = {
    ...MUSIC_API_SETTINGS,
    options: (env) => ({ api: MUSIC_API_SETTINGS.options(env) }),
  };

  static forRoot(options: MusicModuleOptions = {}): DynamicModule {
    return {
      module: MusicModule,
      imports: [
        MusicApiModule.forRoot(options.api),
        AlexaSkillModule.forFeature({ help: MUSIC_HELP }),
        // Its API down, slow, rate-limited or answering nonsense: a spoken "try again later".
        upstreamErrorSpeech({
          client: MUSIC_PROVIDER,
          texts: MUSIC_TEXTS,
          unavailable: 'upstreamDown',
          rateLimited: 'rateLimited',
        }),
      ],
      providers: [...requestHandlers, ...intentHandlers],
    };
  }
}
