import type { RequestEnvelope } from 'ask-sdk-model';
import { alexaRequest } from '../../../../tools/alexa-request/envelope.ts';
import { resolvedSlot } from './resolved-slot';

const envelope = (builder: ReturnType<typeof alexaRequest>) => builder.build() as unknown as RequestEnvelope;

describe('resolvedSlot', () => {
  it('reads the ID and name of an ER_SUCCESS_MATCH, as the request builder sends it', () => {
    const request = alexaRequest().intent('PlayMusicIntent', {
      genre: { value: 'heavy metal', resolved: { id: 'METAL', name: 'metal' }, type: 'GENRE' },
    });
    const body = request.build() as any;
    expect(body.request.intent.slots.genre.resolutions.resolutionsPerAuthority).toEqual([
      {
        authority: 'amzn1.er-authority.echo-sdk.amzn1.ask.skill.00000000-0000-4000-8000-000000000000.GENRE',
        status: { code: 'ER_SUCCESS_MATCH' },
        values: [{ value: { id: 'METAL', name: 'metal' } }],
      },
    ]);
    expect(resolvedSlot(envelope(request), 'genre')).toEqual({ id: 'METAL', name: 'metal' });
  });

  it('gives nothing for ER_SUCCESS_NO_MATCH, a slot without resolutions, or no such slot', () => {
    const request = alexaRequest().intent('PlayMusicIntent', {
      genre: { value: 'polka fusion', resolved: 'no-match' },
      query: 'Queen',
    });
    expect(
      (request.build() as any).request.intent.slots.genre.resolutions.resolutionsPerAuthority[0].status,
    ).toEqual({ code: 'ER_SUCCESS_NO_MATCH' });
    expect(resolvedSlot(envelope(request), 'genre')).toBeUndefined();
    expect(resolvedSlot(envelope(request), 'query')).toBeUndefined();
    expect(resolvedSlot(envelope(request), 'mood')).toBeUndefined();
    expect(resolvedSlot(envelope(request), 'constructor')).toBeUndefined();
    expect(resolvedSlot(envelope(alexaRequest().launch()), 'genre')).toBeUndefined();
  });

  it('takes the first authority that matched: a dynamic entity before the static type', () => {
    const body = envelope(alexaRequest().intent('PlayMusicIntent', { genre: 'rock' }));
    (body.request as any).intent.slots.genre.resolutions = {
      resolutionsPerAuthority: [
        { authority: 'amzn1.er-authority.echo-sdk.dynamic.x.GENRE', status: { code: 'ER_SUCCESS_NO_MATCH' } },
        {
          authority: 'amzn1.er-authority.echo-sdk.dynamic.x.GENRE',
          status: { code: 'ER_SUCCESS_MATCH' },
          values: [{ value: { id: 'MY_ROCK', name: 'my rock' } }],
        },
        {
          authority: 'amzn1.er-authority.echo-sdk.x.GENRE',
          status: { code: 'ER_SUCCESS_MATCH' },
          values: [{ value: { id: 'ROCK', name: 'rock' } }],
        },
      ],
    };
    expect(resolvedSlot(body, 'genre')).toEqual({ id: 'MY_ROCK', name: 'my rock' });
  });

  it('ignores resolutions of the wrong shape instead of throwing', () => {
    const body = envelope(alexaRequest().intent('PlayMusicIntent', { genre: 'rock' }));
    for (const resolutions of [
      null,
      'x',
      { resolutionsPerAuthority: 'x' },
      { resolutionsPerAuthority: [null] },
    ]) {
      (body.request as any).intent.slots.genre.resolutions = resolutions;
      expect(resolvedSlot(body, 'genre')).toBeUndefined();
    }
    (body.request as any).intent.slots.genre.resolutions = {
      resolutionsPerAuthority: [{ status: { code: 'ER_SUCCESS_MATCH' }, values: [{ value: { id: 7 } }] }],
    };
    expect(resolvedSlot(body, 'genre')).toBeUndefined();
  });
});
