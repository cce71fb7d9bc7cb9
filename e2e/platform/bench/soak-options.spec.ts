import { DEFAULT_SOAK_RATE_RPS, parseSoakOptions, SOAK_DEFAULTS } from './soak-options';

describe('soak options', () => {
  it('when no flag is given, then 30 min at the documented default rate after a 60 s warm-up', () => {
    const options = parseSoakOptions([]);

    expect(options).toEqual(SOAK_DEFAULTS);
    expect(options).toMatchObject({ minutes: 30, rateRps: 35, warmupSeconds: 60, json: false });
    expect(DEFAULT_SOAK_RATE_RPS).toBe(35);
  });

  it('when flags are given, then each is honoured', () => {
    const args = '--minutes 2 --rate 15 --warmup-seconds 20 --sample-seconds 5 --json --skip-build';

    expect(parseSoakOptions(args.split(' '))).toEqual({
      minutes: 2,
      rateRps: 15,
      warmupSeconds: 20,
      sampleSeconds: 5,
      json: true,
      skipBuild: true,
    });
  });

  it.each([
    [['--minutes']],
    [['--minutes', 'ten']],
    [['--rate', '0']],
    [['--sample-seconds', '1']],
    [['--capacity']],
  ])('when the arguments are %j, then they are refused with the usage line', (args) => {
    expect(() => parseSoakOptions(args)).toThrow(/usage: npm run soak/);
  });
});
