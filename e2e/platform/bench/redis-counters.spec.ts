import { totalCommands } from './redis-counters';

describe('Redis counters', () => {
  it('when INFO stats is read, then total_commands_processed is the count', () => {
    const info =
      '# Stats\r\ntotal_connections_received:12\r\ntotal_commands_processed:4821\r\ninstantaneous_ops_per_sec:3\r\n';

    expect(totalCommands(info)).toBe(4821);
    expect(totalCommands('# Stats\r\n')).toBe(0);
  });
});
