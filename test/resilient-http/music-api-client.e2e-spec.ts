import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { MetricsModule } from '@lib/metrics';
import {
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamUnavailableError,
} from '@lib/resilient-http';
import { loadConfig } from '../../apps/skill-service/src/config/env.schema';
import {
  MUSIC_API_SETTINGS,
  MusicApiClient,
  MusicApiModule,
  NoActiveDeviceError,
} from '../../libs/music/src/api';
import { startFakeMusicApi } from '../../tools/fake-music-api.ts';
import type { FakeMusicApi } from '../../tools/fake-music-api.ts';

// MusicApiClient, configured the way the app configures it (MUSIC_API_* validated, then mapped), against
// the fake music API.

const TOKEN = 'ada-token';
const DAFT_PUNK = 'spotify:artist:4tZwfgrHOc3mvqYlEYSvVi';

describe('MusicApiClient against the fake music API', () => {
  let fake: FakeMusicApi;
  let moduleRef: TestingModule;
  let music: MusicApiClient;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    fake = await startFakeMusicApi({ tokens: { [TOKEN]: { id: 'ada', displayName: 'Ada' } } });
    moduleRef = await Test.createTestingModule({
      imports: [
        MusicApiModule.forRoot(
          MUSIC_API_SETTINGS.options(
            loadConfig({
              NODE_ENV: 'test',
              MUSIC_API_BASE_URL: fake.url,
              MUSIC_API_TOTAL_BUDGET_MS: '800',
              MUSIC_API_ATTEMPT_TIMEOUT_MS: '250',
              MUSIC_API_RETRY_BASE_DELAY_MS: '10',
              MUSIC_API_BREAKER_FAILURES: '50',
            }),
          ),
        ),
        MetricsModule.forRoot({ serve: false, defaultMetrics: false }),
      ],
    }).compile();
    music = moduleRef.get(MusicApiClient);
  });
  afterAll(async () => {
    await moduleRef.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('reads the linked user profile', async () => {
    await expect(music.me(TOKEN)).resolves.toEqual({ id: 'ada', displayName: 'Ada' });
  });

  it('answers null when nothing is playing (204)', async () => {
    await expect(music.currentlyPlaying(TOKEN)).resolves.toBeNull();
  });

  it('finds artists and tracks for a spoken query', async () => {
    const results = await music.search(TOKEN, 'daft punk');
    expect(results.artists).toEqual([{ id: '4tZwfgrHOc3mvqYlEYSvVi', name: 'Daft Punk', uri: DAFT_PUNK }]);
    expect(results.tracks.map((t) => t.name)).toEqual(['One More Time', 'Around the World']);
    expect(results.tracks[0]).toMatchObject({
      artists: ['Daft Punk'],
      album: 'Discovery',
      durationMs: 320357,
    });
  });

  it('answers empty results for a query that matches nothing', async () => {
    await expect(music.search(TOKEN, 'zzz no such band')).resolves.toEqual({ artists: [], tracks: [] });
  });

  it('plays an artist, then reports it as playing, then pauses', async () => {
    await music.play(TOKEN, { contextUri: DAFT_PUNK });
    const playing = await music.currentlyPlaying(TOKEN);
    expect(playing).toMatchObject({
      isPlaying: true,
      track: { name: 'One More Time', artists: ['Daft Punk'] },
    });
    await music.pause(TOKEN);
    await expect(music.currentlyPlaying(TOKEN)).resolves.toMatchObject({ isPlaying: false });
  });

  it('plays tracks by URI', async () => {
    await music.play(TOKEN, { uris: ['spotify:track:4u7EnebtmKWzUH433cf5Qv'] });
    await expect(music.currentlyPlaying(TOKEN)).resolves.toMatchObject({
      track: { name: 'Bohemian Rhapsody' },
    });
  });

  it('turns 404 NO_ACTIVE_DEVICE into NoActiveDeviceError', async () => {
    fake.behave({ path: '/v1/me/player/play', mode: 'no-device' });
    const error: unknown = await music.play(TOKEN, { contextUri: DAFT_PUNK }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoActiveDeviceError);
    expect(error).toMatchObject({ provider: 'music', operation: 'play', status: 404 });
    fake.behave({ path: '/v1/me/player/pause', mode: 'no-device' });
    await expect(music.pause(TOKEN)).rejects.toBeInstanceOf(NoActiveDeviceError);
  });

  it('keeps other 4xx as UpstreamClientError', async () => {
    await expect(music.play(TOKEN, { uris: ['spotify:track:unknown'] })).rejects.toBeInstanceOf(
      UpstreamClientError,
    );
  });

  it('turns a rejected token into AccessTokenRejectedError', async () => {
    await expect(music.me('revoked-token')).rejects.toBeInstanceOf(AccessTokenRejectedError);
    await expect(music.currentlyPlaying('revoked-token')).rejects.toBeInstanceOf(AccessTokenRejectedError);
  });

  it('turns a wrong-shaped body into UpstreamBadResponseError', async () => {
    fake.behave({ path: '/v1/me/player/currently-playing', mode: 'invalid' });
    await expect(music.currentlyPlaying(TOKEN)).rejects.toBeInstanceOf(UpstreamBadResponseError);
  });

  it('uses the configured budget: a hanging upstream fails within 800 ms', async () => {
    fake.behave({ path: '/v1/me', mode: 'hang' });
    const start = performance.now();
    await expect(music.me(TOKEN)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(performance.now() - start).toBeLessThan(800 + 150);
  });

  it("honours the caller's deadline (a SkillRequestContext can be passed as the options)", async () => {
    fake.behave({ path: '/v1/search', mode: 'hang' });
    const context = { deadline: Date.now() + 150, locale: 'en-US', accessToken: TOKEN };
    const start = performance.now();
    await expect(music.search(TOKEN, 'queen', context)).rejects.toMatchObject({ reason: 'budget_exhausted' });
    expect(performance.now() - start).toBeLessThan(800); // the deadline came first, not the 800 ms budget
  });

  it('never puts the token in the URL or an error', async () => {
    const error: unknown = await music.me('revoked-token').catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain('revoked-token');
    expect((error as Error).message).not.toContain('revoked-token');
  });
});
