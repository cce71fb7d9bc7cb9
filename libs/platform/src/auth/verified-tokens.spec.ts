import { VerifiedTokens } from './verified-tokens';

const T0 = Date.parse('2026-12-05T10:00:00Z');

describe('VerifiedTokens', () => {
  it('when a remembered token is asked for before it expires, then what it names is answered', () => {
    // Arrange
    const tokens = new VerifiedTokens<string>(10);
    tokens.remember('token-a', 'customer-1', T0 + 60_000);

    // Act
    const subject = tokens.get('token-a', T0 + 59_999);

    // Assert
    expect(subject).toBe('customer-1');
  });

  it('when a token was never remembered, then nothing is answered', () => {
    // Arrange
    const tokens = new VerifiedTokens<string>(10);
    tokens.remember('token-a', 'customer-1', T0 + 60_000);

    // Act / Assert
    expect(tokens.get('token-b', T0)).toBeUndefined();
  });

  it('when a remembered token has expired, then nothing is answered and it is forgotten', () => {
    // Arrange
    const tokens = new VerifiedTokens<string>(10);
    tokens.remember('token-a', 'customer-1', T0 + 60_000);

    // Act
    const subject = tokens.get('token-a', T0 + 60_000);

    // Assert
    expect(subject).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('when the bound is reached, then the remembered tokens are forgotten before the next is kept', () => {
    // Arrange
    const tokens = new VerifiedTokens<string>(2);
    tokens.remember('token-a', 'customer-1', T0 + 60_000);
    tokens.remember('token-b', 'customer-2', T0 + 60_000);

    // Act
    tokens.remember('token-c', 'customer-3', T0 + 60_000);

    // Assert
    expect(tokens.size).toBe(1);
    expect(tokens.get('token-a', T0)).toBeUndefined();
    expect(tokens.get('token-c', T0)).toBe('customer-3');
  });
});
