export { MusicModule } from './music.module';
export type { MusicModuleOptions } from './music.module';
export { MUSIC_TEXTS } from './texts/music.texts';
export type { MusicTextKey } from './texts/music.texts';
export * from './api';
