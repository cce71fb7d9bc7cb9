import { useEffect, useState } from 'react';
import type { ChaosExperiment as Experiment } from '../../../src/domain/control-room.types';
import { call } from '../api';

const VERDICT_CLASS: Record<string, string> = { completed: 'healthy', failed: 'down' };

/**
 * The chaos experiments (`npm run chaos`), with the verdict of each one's latest run and a
 * link to its report. Running one starts a platform of its own, so it stays a CLI command.
 */
export function ChaosPanel() {
  const [state, setState] = useState<{ available: boolean; experiments: Experiment[] }>();
  useEffect(() => {
    void call<{ available: boolean; experiments: Experiment[] }>('/api/control/chaos').then(
      (a) => a.ok && setState(a.body),
    );
  }, []);
  if (!state) return null;
  return (
    <section className="chaos" aria-label="Chaos experiments" data-testid="chaos">
      <h2>Chaos experiments</h2>
      {!state.available && (
        <p className="muted">
          The chaos experiments live in the repository (chaos/experiments); this console has none.
        </p>
      )}
      <ul>
        {state.experiments.map((e) => (
          <li key={e.id} data-testid={`chaos-${e.id}`}>
            <strong>{e.title}</strong>{' '}
            {e.latest ? (
              <>
                <span className={`badge ${VERDICT_CLASS[e.latest.status] ?? 'degraded'}`}>
                  {e.latest.status}
                </span>{' '}
                <a href={e.latest.report} target="_blank" rel="noreferrer">
                  report of {e.latest.endedAt.slice(0, 16).replace('T', ' ')}
                </a>
              </>
            ) : (
              <span className="muted">not run yet</span>
            )}
            <br />
            <code>npm run chaos -- run {e.id}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
