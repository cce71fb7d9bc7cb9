import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TimelinePoint } from '../../../src/domain/control-room.types';

/** Columns of the chart: time, goodput, p99 (uPlot's aligned data). */
export function columnsOf(points: readonly TimelinePoint[]): uPlot.AlignedData {
  return [points.map((p) => p.t), points.map((p) => p.goodput), points.map((p) => p.p99Ms)];
}

/** Checkout goodput (left axis) and p99 (right axis) over the last minutes, drawn by uPlot. */
export function Timeline({ points }: { points: readonly TimelinePoint[] }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);

  useEffect(() => {
    if (!host.current) return;
    const plot = new uPlot(
      {
        width: Math.max(320, host.current.clientWidth || 720),
        height: 220,
        series: [
          {},
          { label: 'goodput (checkouts/s)', stroke: '#1a7f37', width: 2, scale: 'rate' },
          { label: 'p99 (ms)', stroke: '#cf222e', width: 2, scale: 'ms' },
        ],
        axes: [
          // Whole seconds as HH:MM:SS (uPlot would tick every 200 ms on a short history).
          {
            incrs: [1, 5, 10, 15, 30, 60, 120, 300],
            values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toTimeString().slice(0, 8)),
          },
          { scale: 'rate', label: 'checkouts/s' },
          { scale: 'ms', side: 1, label: 'ms' },
        ],
        scales: { rate: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      },
      columnsOf([]),
      host.current,
    );
    chart.current = plot;
    const resize = () =>
      host.current && plot.setSize({ width: Math.max(320, host.current.clientWidth), height: 220 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setData(columnsOf(points));
  }, [points]);

  const last = points.at(-1);
  return (
    <section className="timeline" aria-label="Checkout timeline">
      <h2>Checkout goodput and p99</h2>
      <div
        ref={host}
        data-testid="timeline"
        data-points={points.length}
        data-goodput={last?.goodput.toFixed(2) ?? ''}
      />
    </section>
  );
}
