import { ExperimentInvalidError, parseExperiment } from './load-experiment';

/** A minimal valid experiment; each test breaks one field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test breaks arbitrary fields
type Doc = Record<string, any>;
function valid(): Doc {
  return {
    title: 'Payment slow',
    description: 'checkout keeps answering',
    tags: ['latency'],
    'steady-state-hypothesis': {
      title: 'checkouts succeed',
      probes: [
        {
          type: 'probe',
          name: 'success',
          tolerance: { type: 'range', range: [0.95, 1] },
          provider: { type: 'harness', func: 'load_stats', arguments: { stat: 'success_ratio' } },
        },
      ],
    },
    method: [
      {
        type: 'action',
        name: 'slow payment',
        provider: {
          type: 'harness',
          func: 'add_toxic',
          arguments: { proxy: 'checkout-payment', type: 'latency', attributes: { latency: 500 } },
        },
        pauses: { after: 10 },
      },
    ],
    rollbacks: [
      {
        type: 'action',
        name: 'heal',
        provider: { type: 'harness', func: 'reset_proxies' },
      },
    ],
  };
}

function issuesOf(doc: unknown): string[] {
  try {
    parseExperiment(doc);
  } catch (e) {
    if (e instanceof ExperimentInvalidError) return e.issues;
    throw e;
  }
  return [];
}

describe('experiment file schema', () => {
  it('when the experiment is well formed, then defaults are filled in', () => {
    const experiment = parseExperiment(valid());
    expect(experiment.configuration.load_rate_rps).toBe(10);
    const provider = experiment.method[0]!.provider;
    expect(provider.type === 'harness' && provider.arguments).toEqual({
      proxy: 'checkout-payment',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 500 },
    });
  });

  it.each<[string, (doc: Doc) => void, string]>([
    ['the title is missing', (d) => delete d.title, 'title:'],
    [
      'the hypothesis has no probes',
      (d) => (d['steady-state-hypothesis'].probes = []),
      'steady-state-hypothesis.probes:',
    ],
    [
      'a hypothesis probe has no tolerance',
      (d) => delete d['steady-state-hypothesis'].probes[0].tolerance,
      'steady-state-hypothesis.probes[0]:',
    ],
    ['an activity has an unknown type', (d) => (d.method[0].type = 'fault'), 'method[0].type:'],
    ['a field is misspelt', (d) => (d.method[0].pause = { after: 1 }), 'method[0]:'],
    [
      'a range is upside down',
      (d) => (d['steady-state-hypothesis'].probes[0].tolerance.range = [2, 1]),
      'steady-state-hypothesis.probes[0].tolerance',
    ],
    [
      'a function is unknown',
      (d) => (d.method[0].provider.func = 'nuke'),
      'method[0].provider.func: unknown function "nuke"',
    ],
    [
      'a probe function is used as an action',
      (d) => (d.method[0].provider.func = 'load_stats'),
      'method[0].provider.func: "load_stats" is a probe',
    ],
    [
      'an argument is out of its domain',
      (d) => (d.method[0].provider.arguments.proxy = 'zookeeper'),
      'method[0].provider.arguments.proxy:',
    ],
    [
      'an argument is unknown',
      (d) => (d.rollbacks[0].provider.arguments = { all: true }),
      'rollbacks[0].provider.arguments:',
    ],
    [
      'a probe argument is missing',
      (d) => delete d['steady-state-hypothesis'].probes[0].provider.arguments.stat,
      'steady-state-hypothesis.probes[0].provider.arguments.stat:',
    ],
  ])('when %s, then it is refused with a message naming the field', (_, breakIt, field) => {
    const doc = valid();
    breakIt(doc);
    const issues = issuesOf(doc);
    expect(issues.some((i) => i.startsWith(field))).toBe(true);
  });

  it('when several fields are wrong, then every one is listed in the error message', () => {
    const doc = valid();
    doc.method[0].provider.arguments.proxy = 'zookeeper';
    doc.rollbacks[0].provider.func = 'nuke';
    expect(() => parseExperiment(doc, 'x.json')).toThrow(
      /x\.json: invalid experiment[\s\S]*method\[0\]\.provider\.arguments\.proxy[\s\S]*rollbacks\[0\]\.provider\.func/,
    );
  });
});
