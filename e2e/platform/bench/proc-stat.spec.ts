import { classifyProcess, parseProcStat, parsePssKib, parseVmRssKib } from './proc-stat';

const BENCH = 4242;

describe('proc stat', () => {
  it('when a stat line is parsed, then ppid and the four CPU times are read after the command name', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const line =
      '1234 (node) S 4242 1234 1 0 -1 4194560 9000 0 12 0 1500 320 7 3 20 0 11 0 5000 1000000 20000';

    expect(parseProcStat(line)).toEqual({
      pid: 1234,
      ppid: 4242,
      utime: 1500,
      stime: 320,
      cutime: 7,
      cstime: 3,
    });
  });

  it('when the command name holds spaces and parentheses, then the fields are still found', () => {
    const line =
      '77 (postgres: 15/main: (x) idle) R 2193 77 77 0 -1 0 0 0 0 0 40 60 0 0 20 0 1 0 1 1 1';

    expect(parseProcStat(line)).toMatchObject({ pid: 77, ppid: 2193, utime: 40, stime: 60 });
  });

  it('when the text is not a stat line, then parsing refuses', () => {
    expect(() => parseProcStat('')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('12 (x) S')).toThrow(/not a \/proc/);
  });

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
