import { pickExcluding, recommendationRequest, requestKey } from './recommendation';

describe('recommendation request', () => {
  it('when the same skus come in another order or repeated, then the key is the same', () => {
    // Act
    const a = requestKey(recommendationRequest(['b', 'a', 'b'], 4));
    const b = requestKey(recommendationRequest(['a', 'b'], 4));

    // Assert
    expect(a).toBe(b);
  });

  it('when the limit differs, then the key differs', () => {
    expect(requestKey(recommendationRequest(['a'], 4))).not.toBe(
      requestKey(recommendationRequest(['a'], 5)),
    );
  });

  it('when picking from a ranking, then excluded and repeated skus are skipped and the limit holds', () => {
    expect(pickExcluding(['a', 'x', 'x', 'b', 'y', 'z'], ['a', 'b'], 2)).toEqual(['x', 'y']);
  });
});
