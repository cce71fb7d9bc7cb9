import { redact, type Journal } from '../run/journal';
import { chartsOf, renderHtml } from './html-report';

function journal(): Journal {
  return {
    experiment: { id: 'x', title: 'A <title>', description: 'd', tags: ['t'], file: 'x.json' },
    runId: 'r1',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:30.000Z',
    quick: true,
    status: 'failed',
    durationSeconds: 30,
    windows: { fault: { from: 5, to: 10 } },
    judgements: [
      {
        phase: 'during',
        probe: 'p99',
        value: 4000,
        expected: 'in [0, 3500]',
        ok: false,
        at: 9,
        attempts: 1,
      },
    ],
    activities: [
      {
        name: 'slow',
        type: 'action',
        provider: 'add_toxic',
        phase: 'method',
        start: 5,
        end: 5.1,
        ok: true,
      },
    ],
    figures: {},
    statusCounts: { '201': 10 },
    timeline: [{ t: 0, offered: 10, ok: 10, good: 10, errors: 0, shed: 0, p50: 20, p99: 40 }],
    series: [
      {
        name: 'breaker payment',
        points: [
          [1, 0],
          [2, 2],
        ],
      },
    ],
    notes: {},
    configuration: {},
    safetyNet: [],
  };
}

describe('HTML report', () => {
  it('when rendered, then it is self-contained: inline SVG, no script, no external resource', () => {
    const html = renderHtml(journal());
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(
      /https?:\/\//,
    );
  });

  it('when a judgement failed, then the verdict and the failing row say so, with text escaped', () => {
    const html = renderHtml(journal());
    expect(html).toContain('FAILED');
    expect(html).toContain('FAILS');
    expect(html).toContain('A &lt;title&gt;');
  });

  it('when breaker samples exist, then a breaker chart with a fixed 0..2 scale is drawn, with the fault window', () => {
    const charts = chartsOf(journal());
    const breakers = charts.find((c) => c.title.includes('breakers'))!;
    expect(breakers.yMax).toBe(2);
    expect(breakers.fault).toEqual({ from: 5, to: 10 });
  });

  it('when values sit under secret-looking keys, then the journal keeps them redacted', () => {
    expect(redact({ headers: { authorization: 'Bearer s3cret' }, adminToken: 'x', ok: 1 })).toEqual(
      {
        headers: { authorization: '[redacted]' },
        adminToken: '[redacted]',
        ok: 1,
      },
    );
  });
});
