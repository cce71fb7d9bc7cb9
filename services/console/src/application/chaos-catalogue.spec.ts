import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChaosCatalogue } from './chaos-catalogue';

describe('ChaosCatalogue', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rc-console-chaos-'));
    mkdirSync(join(dir, 'experiments'));
    writeFileSync(
      join(dir, 'experiments', 'latency-explosion.json'),
      JSON.stringify({
        title: 'Latency explosion',
        description: 'slow inventory',
        tags: ['latency'],
      }),
    );
    writeFileSync(join(dir, 'experiments', 'broken.json'), '{ not json');
    for (const [run, status] of [
      ['2026-01-01T10-00-00-000Z', 'failed'],
      ['2026-01-02T10-00-00-000Z', 'completed'],
    ]) {
      mkdirSync(join(dir, 'reports', 'latency-explosion', run!), { recursive: true });
      writeFileSync(
        join(dir, 'reports', 'latency-explosion', run!, 'journal.json'),
        JSON.stringify({ status, endedAt: run, durationSeconds: 42 }),
      );
      writeFileSync(
        join(dir, 'reports', 'latency-explosion', run!, 'report.html'),
        `<p>${status}</p>`,
      );
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when experiments have runs, then each is listed with the verdict of its latest run and a report link', () => {
    const list = new ChaosCatalogue(join(dir, 'experiments'), join(dir, 'reports')).list();

    expect(list).toEqual([
      {
        id: 'latency-explosion',
        title: 'Latency explosion',
        description: 'slow inventory',
        tags: ['latency'],
        latest: {
          run: '2026-01-02T10-00-00-000Z',
          status: 'completed',
          endedAt: '2026-01-02T10-00-00-000Z',
          durationSeconds: 42,
          report: '/api/control/chaos/latency-explosion/2026-01-02T10-00-00-000Z/report.html',
        },
      },
    ]);
  });

  it('when a report file is asked for, then only the run files are served and paths cannot escape', () => {
    const chaos = new ChaosCatalogue(join(dir, 'experiments'), join(dir, 'reports'));

    expect(
      chaos
        .reportFile('latency-explosion', '2026-01-01T10-00-00-000Z', 'report.html')
        ?.body.toString(),
    ).toBe('<p>failed</p>');
    expect(chaos.reportFile('latency-explosion', '..', 'report.html')).toBeUndefined();
    expect(chaos.reportFile('..', 'x', 'report.html')).toBeUndefined();
    expect(
      chaos.reportFile('latency-explosion', '2026-01-01T10-00-00-000Z', 'secret.txt'),
    ).toBeUndefined();
  });

  it('when the experiments folder is missing (the container image), then the list is empty', () => {
    const chaos = new ChaosCatalogue(join(dir, 'nowhere'), join(dir, 'reports'));

    expect(chaos.available).toBe(false);
    expect(chaos.list()).toEqual([]);
  });
});
