import { limitForNeed } from './cpu-throttle';

describe('limitForNeed (a CPU limit sized from a measured need)', () => {
  it('when the need times the headroom is above the floor, then that is the limit (to 0.1 %)', () => {
    expect(limitForNeed(10, 1.4, 12.34)).toBe(17.3);
  });

  it('when it is below the floor, then the floor is the limit', () => {
    expect(limitForNeed(10, 1.4, 5)).toBe(10);
  });

  it('when it is above one core, then the limit is one core', () => {
    expect(limitForNeed(10, 2, 80)).toBe(100);
  });
});
