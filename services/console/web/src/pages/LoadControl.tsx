import { useState } from 'react';
import type { LoadStatus } from '../../../src/domain/control-room.types';
import { call, type Problem } from '../api';
import { ProblemMessage } from '../components/ProblemMessage';

/** Starts and stops open-loop checkout load at a chosen rate (refused above the ceiling). */
export function LoadControl({ status }: { status: LoadStatus | undefined }) {
  const [rate, setRate] = useState('10');
  const [problem, setProblem] = useState<Problem | undefined>();
  const send = async (method: 'POST' | 'DELETE') => {
    setProblem(undefined);
    const a = await call('/api/control/load', {
      method,
      ...(method === 'POST' ? { body: { ratePerSecond: Number(rate) } } : {}),
    });
    if (!a.ok) setProblem(a.problem);
  };
  const outcomes = Object.entries(status?.outcomes ?? {});
  return (
    <section className="load" aria-label="Load control">
      <h2>Load</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send('POST');
        }}
      >
        <label>
          checkouts/s{' '}
          <input
            type="number"
            value={rate}
            min={1}
            onChange={(e) => setRate(e.target.value)}
            data-testid="load-rate"
          />
        </label>{' '}
        <button type="submit" data-testid="load-start">
          {status?.running ? 'Change rate' : 'Start'}
        </button>{' '}
        <button
          type="button"
          disabled={!status?.running}
          onClick={() => void send('DELETE')}
          data-testid="load-stop"
        >
          Stop
        </button>
      </form>
      <p className="muted" data-testid="load-status">
        {status?.running ? `running at ${status.ratePerSecond}/s` : 'stopped'} · at most{' '}
        {status?.maxRatePerSecond ?? '?'}/s
        {outcomes.length > 0 && ` · ${outcomes.map(([k, v]) => `${k}: ${v}`).join(', ')}`}
      </p>
      {problem && <ProblemMessage problem={problem} testId="load-problem" />}
    </section>
  );
}
