import { classifyProcess, parsePssKib, parseVmRssKib } from './proc-stat';

const BENCH = 4242;

describe('proc stat', () => {
  it('when a status file is read, then VmRSS is in KiB; a kernel thread has none', () => {
    expect(
      parseVmRssKib('Name:\tnode\nVmPeak:\t 900 kB\nVmRSS:\t  183420 kB\nThreads:\t11\n'),
    ).toBe(183_420);
    expect(parseVmRssKib('Name:\tkworker/0:1\nThreads:\t1\n')).toBeUndefined();
  });

  it('when an smaps_rollup file is read, then Pss is in KiB (not Pss_Anon or Pss_File)', () => {
    const rollup =
      '55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:\t  153652 kB\nPss:\t  103434 kB\n' +
      'Pss_Anon:\t   93000 kB\nPss_File:\t   10000 kB\n';
    expect(parsePssKib(rollup)).toBe(103_434);
    expect(parsePssKib('')).toBeUndefined();
  });

  it.each([
    ['/usr/bin/node /work/main/services/checkout/dist/main.js', 'checkout'],
    ['/usr/bin/node /work/main/services/payment/dist/bundle/main.js', 'payment'],
    ['/root/.tools/node/bin/node /w/services/recommendations/dist/main.js', 'recommendations'],
    [
      '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=x',
      'postgres',
    ],
    ['postgres: 15/main: checkpointer ', 'postgres'],
    ['postgres: 15/main: postgres rc_checkout 127.0.0.1(41234) idle', 'postgres'],
    ['postgres: walwriter', 'postgres'],
    [
      'java -Xms256m -cp /w/.infra/kafka/libs/* kafka.Kafka /w/.infra/kafka/server.properties',
      'kafka',
    ],
    ['redis-server 127.0.0.1:6379', 'redis'],
    ['/usr/bin/redis-server *:6379', 'redis'],
    ['redis-rdb-bgsave 127.0.0.1:6379', 'redis'],
  ])('when the command line is %s, then the process is billed to %s', (cmdline, group) => {
    expect(classifyProcess(cmdline, BENCH, BENCH)).toBe(group);
  });

  it.each([
    [
      'a service another platform run started',
      '/usr/bin/node /w/services/checkout/dist/main.js',
      1,
    ],
    ['the Kafka CLI', 'java -cp /w/libs/* org.apache.kafka.tools.TopicCommand --list', BENCH],
    ['psql', 'psql -h 127.0.0.1 -U postgres', BENCH],
    ['redis-cli', 'redis-cli ping', BENCH],
    ['a build', 'node /w/node_modules/.bin/nx run-many -t build', BENCH],
    ['the bench', 'node scripts/bench/run.mjs e2e/platform/bench/checkout-measurement.ts', 1],
    ['a path that only mentions a service', 'vim /w/services/checkout/dist/main.js.map', BENCH],
  ])('when the process is %s, then it is not the platform', (_what, cmdline, ppid) => {
    expect(classifyProcess(cmdline, ppid, BENCH)).toBeUndefined();
  });
});
