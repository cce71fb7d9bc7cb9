import { waitFor, withTimeout } from './wait-for';

describe('waitFor', () => {
  it('when the check holds on the third try, then it resolves after exactly three tries', async () => {
    // Arrange
    let tries = 0;
    const check = () => ++tries === 3;

    // Act
    await waitFor(check, 1_000, 'the third try', 1);

    // Assert
    expect(tries).toBe(3);
  });

  it('when the check never holds, then it rejects naming what it waited for', async () => {
    // Arrange
    const check = async () => false;

    // Act
    const waiting = waitFor(check, 30, 'a miracle', 5);

    // Assert
    await expect(waiting).rejects.toThrow('timed out after 30 ms waiting for a miracle');
  });
});

describe('withTimeout', () => {
  it('when the promise settles in time, then its value is returned', async () => {
    // Act
    const value = await withTimeout(Promise.resolve(42), 1_000, 'the answer');

    // Assert
    expect(value).toBe(42);
  });

  it('when the promise takes too long, then the description is read at the timeout', async () => {
    // Arrange: progress changes after the call, and the message must show the later value
    let progress = 0;
    const never = new Promise<never>(() => undefined);
    const pending = withTimeout(never, 20, () => `${progress}/3 done`);
    progress = 2;

    // Act + Assert
    await expect(pending).rejects.toThrow('timed out after 20 ms: 2/3 done');
  });

  it('when the promise rejects, then its own error is kept', async () => {
    // Act
    const failing = withTimeout(Promise.reject(new Error('boom')), 1_000, 'anything');

    // Assert
    await expect(failing).rejects.toThrow('boom');
  });
});
