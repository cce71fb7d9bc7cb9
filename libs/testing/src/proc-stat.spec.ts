import { parseProcStat } from './proc-stat';

describe('parseProcStat', () => {
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
});
