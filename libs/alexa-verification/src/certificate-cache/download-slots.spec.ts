import { DownloadSlots } from './download-slots';

describe('DownloadSlots', () => {
  it('holds `reserved` slots back from unknown URLs and gives known ones all', () => {
    const slots = new DownloadSlots(4, 1);
    expect(Array.from({ length: 4 }, () => slots.tryAcquire(false))).toEqual([true, true, true, false]);
    expect(slots.tryAcquire(true)).toBe(true);
    expect(slots.tryAcquire(true)).toBe(false);
    expect(slots.used).toEqual({ all: 4, unknown: 3 });
    slots.release(true);
    expect(slots.tryAcquire(false)).toBe(false);
    slots.release(false);
    expect(slots.tryAcquire(false)).toBe(true);
  });

  it('counts a known download against the slots unknown URLs share', () => {
    const slots = new DownloadSlots(3, 1);
    expect(slots.tryAcquire(true)).toBe(true);
    expect(slots.tryAcquire(true)).toBe(true);
    expect(slots.tryAcquire(false)).toBe(true);
    expect(slots.tryAcquire(false)).toBe(false);
  });

  it.each([
    [4, 4],
    [4, 5],
    [4, -1],
  ])('refuses %i slots with %i reserved', (total, reserved) => {
    expect(() => new DownloadSlots(total, reserved)).toThrow(RangeError);
  });
});
