import { EventEmitter } from 'node:events';
import { JsonLogger } from './json-logger';
import { routeProcessWarnings } from './process-warnings';

describe('routeProcessWarnings', () => {
  const setup = (level: 'debug' | 'info') => {
    const lines: Record<string, unknown>[] = [];
    const logger = new JsonLogger('cart', level, (l) =>
      lines.push(JSON.parse(l) as Record<string, unknown>),
    );
    const target = new EventEmitter();
    const nodePrinter = jest.fn();
    target.on('warning', nodePrinter);
    routeProcessWarnings(logger, target);
    return { lines, target, nodePrinter };
  };

  it('when a warning is emitted, then it becomes one JSON log line and Node no longer prints it', () => {
    const { lines, target, nodePrinter } = setup('info');
    const warning = Object.assign(new Error('Possible EventEmitter memory leak'), {
      name: 'MaxListenersExceededWarning',
      code: 'W1',
    });

    target.emit('warning', warning);

    expect(nodePrinter).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'process warning',
        name: 'MaxListenersExceededWarning',
        code: 'W1',
        detail: 'Possible EventEmitter memory leak',
      }),
    ]);
  });

  it("when kafkajs' negative timeout warning is emitted, then it is logged at debug only", () => {
    const info = setup('info');
    const debug = setup('debug');
    const warning = () =>
      Object.assign(new Error('-1795 is a negative number.'), { name: 'TimeoutNegativeWarning' });

    info.target.emit('warning', warning());
    debug.target.emit('warning', warning());

    expect(info.lines).toEqual([]);
    expect(debug.lines).toEqual([
      expect.objectContaining({ level: 'debug', name: 'TimeoutNegativeWarning' }),
    ]);
  });
});
