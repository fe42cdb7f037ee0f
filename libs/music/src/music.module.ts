import { Module } from '@nestjs/common';
import { MusicApiModule } from './api';
import { MusicLaunchHandler } from './handlers/launch.handler';
import { MusicUpstreamErrorHandler } from './handlers/music-upstream-error.handler';
import { PauseHandler } from './handlers/pause.handler';
import { PlayMusicHandler } from './handlers/play-music.handler';
import { WhatsPlayingHandler } from './handlers/whats-playing.handler';

const requestHandlers = [MusicLaunchHandler];
const intentHandlers = [WhatsPlayingHandler, PlayMusicHandler, PauseHandler];
const errorHandlers = [MusicUpstreamErrorHandler];

/**
 * The example domain module: a Spotify-like music API on behalf of the linked user. The skill core finds
 * its handlers by their decorators; the app only imports this module.
 * Needs `ProgressiveResponseModule` (the app provides it globally) and reads `MUSIC_API_*` settings.
 */
@Module({
  imports: [MusicApiModule],
  providers: [...requestHandlers, ...intentHandlers, ...errorHandlers],
})
export class MusicModule {}
