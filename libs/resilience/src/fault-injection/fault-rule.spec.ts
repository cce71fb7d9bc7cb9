import { FaultRulesInvalidError } from './fault-injection.errors';
import { matchesName, parseFaultRules } from './fault-rule';

const rule = (over: Record<string, unknown> = {}) => ({
  id: 'r1',
  target: 'route',
  name: 'POST /v1/checkout',
  probability: 0.5,
  enabled: true,
  fault: { kind: 'latency', ms: 200 },
  ...over,
});

describe('parseFaultRules', () => {
  it('when every kind is given in a valid form, then the rules are returned as given', () => {
    // Arrange
    const input = [
      rule({ id: 'a', fault: { kind: 'latency', ms: 100 } }),
      rule({ id: 'b', fault: { kind: 'latency', minMs: 10, maxMs: 50 } }),
      rule({ id: 'c', fault: { kind: 'error', status: 503 } }),
      rule({ id: 'd', target: 'dependency', name: 'payment', fault: { kind: 'abort' } }),
      rule({ id: 'e', fault: { kind: 'corrupt' } }),
      rule({ id: 'f', fault: { kind: 'cpu', durationMs: 50 } }),
      rule({ id: 'g', fault: { kind: 'exit', exitCode: 137 } }),
      rule({ id: 'h', fault: { kind: 'memory', kib: 512, maxMib: 64 } }),
    ];

    // Act
    const rules = parseFaultRules(input);

    // Assert
    expect(rules).toEqual(input);
  });

  it('when rules are invalid, then one error lists every problem with its path', () => {
    // Arrange
    const input = [
      rule({ probability: 1.5 }),
      rule({ id: 'r1', target: 'queue' }),
      rule({ id: 'r3', fault: { kind: 'latency', ms: -1 } }),
      rule({ id: 'r4', fault: { kind: 'error', status: 200 } }),
      rule({ id: 'r5', fault: { kind: 'explode' } }),
      rule({ id: 'r6', extra: true }),
      rule({ id: 'r7', fault: { kind: 'memory', kib: 0, maxMib: 64 } }),
    ];

    // Act
    let error: unknown;
    try {
      parseFaultRules(input);
    } catch (e) {
      error = e;
    }

    // Assert
    expect(error).toBeInstanceOf(FaultRulesInvalidError);
    const { issues, httpStatus, code } = error as FaultRulesInvalidError;
    expect({ httpStatus, code }).toEqual({
      httpStatus: 400,
      code: 'FAULT_INJECTION.INVALID_RULES',
    });
    const paths = issues.map((i) => i.split(':')[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        '0.probability',
        '1.target',
        '2.fault.ms',
        '3.fault.status',
        '4.fault.kind',
        '5',
        '6.fault.kib',
      ]),
    );
  });

  it('when a latency rule gives no duration or an inverted range, then it is refused', () => {
    // Act + Assert
    expect(() => parseFaultRules([rule({ fault: { kind: 'latency' } })])).toThrow(
      /either ms, or minMs <= maxMs/,
    );
    expect(() =>
      parseFaultRules([rule({ fault: { kind: 'latency', minMs: 50, maxMs: 10 } })]),
    ).toThrow(/0\.fault: latency needs/);
    expect(() => parseFaultRules([rule({ fault: { kind: 'latency', ms: 5, maxMs: 10 } })])).toThrow(
      FaultRulesInvalidError,
    );
  });

  it('when publish and consume rules name a topic with latency, error or abort, then they are accepted', () => {
    // Arrange
    const input = [
      rule({ id: 'a', target: 'publish', name: 'orders', fault: { kind: 'latency', ms: 2000 } }),
      rule({ id: 'b', target: 'publish', name: '*', fault: { kind: 'error', status: 503 } }),
      rule({ id: 'c', target: 'consume', name: 'orders', fault: { kind: 'abort' } }),
      rule({
        id: 'd',
        target: 'consume',
        name: '*',
        fault: { kind: 'latency', minMs: 1, maxMs: 9 },
      }),
    ];

    // Act
    const rules = parseFaultRules(input);

    // Assert
    expect(rules).toEqual(input);
  });

  it('when a publish or consume rule asks for corrupt, cpu or exit, then it is refused naming the target and kind', () => {
    // Arrange
    const input = [
      rule({ id: 'a', target: 'publish', name: 'orders', fault: { kind: 'corrupt' } }),
      rule({ id: 'b', target: 'consume', name: 'orders', fault: { kind: 'cpu', durationMs: 5 } }),
      rule({ id: 'c', target: 'consume', name: '*', fault: { kind: 'exit' } }),
    ];

    // Act
    const error = (() => {
      try {
        parseFaultRules(input);
      } catch (e) {
        return e as FaultRulesInvalidError;
      }
    })();

    // Assert
    expect(error?.issues).toEqual([
      '0.fault.kind: publish rules take latency, error or abort, not corrupt',
      '1.fault.kind: consume rules take latency, error or abort, not cpu',
      '2.fault.kind: consume rules take latency, error or abort, not exit',
    ]);
  });

  it('when two rules share an id, then the set is refused', () => {
    // Act + Assert
    expect(() => parseFaultRules([rule(), rule()])).toThrow(/duplicate rule id/);
  });

  it('when the input is not a list, then it is refused', () => {
    // Act + Assert
    expect(() => parseFaultRules({ rules: [] })).toThrow(FaultRulesInvalidError);
  });
});

describe('matchesName', () => {
  it('when the pattern has no star, then only the exact name matches', () => {
    expect(matchesName('payment', 'payment')).toBe(true);
    expect(matchesName('payment', 'payments')).toBe(false);
  });

  it('when the pattern has stars, then they match any characters and the rest is literal', () => {
    expect(matchesName('POST /v1/*', 'POST /v1/checkout')).toBe(true);
    expect(matchesName('* /v1/cart*', 'GET /v1/carts/:id')).toBe(true);
    expect(matchesName('GET /v1/*', 'POST /v1/checkout')).toBe(false);
    expect(matchesName('a.b', 'axb')).toBe(false);
    expect(matchesName('*', 'anything at all')).toBe(true);
  });
});
