import { useCallback, useEffect, useState } from 'react';
import type { FaultPreset as Preset, ServiceFaults } from '../../../src/domain/fault-presets';
import { call, type Problem } from '../api';
import { ProblemMessage } from '../components/ProblemMessage';

/**
 * Failure presets at a click, the active faults of every service and "restore all". Every
 * action carries the admin token the operator entered (kept in memory only); without one, the
 * console's own admin token is used when it holds one for this client.
 */
export function FaultPanel({ token }: { token: string }) {
  const [presets, setPresets] = useState<Preset[]>([]);
  const [active, setActive] = useState<ServiceFaults[] | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);
  const [consoleToken, setConsoleToken] = useState(false);
  const auth = token ? { authorization: `Bearer ${token}` } : undefined;
  const canAct = Boolean(token) || consoleToken;

  useEffect(() => {
    void call<{ presets: Preset[]; consoleAdminToken?: boolean }>('/api/control/presets').then(
      (a) => {
        if (!a.ok) return;
        setPresets(a.body.presets);
        setConsoleToken(a.body.consoleAdminToken === true);
      },
    );
  }, []);

  const refresh = useCallback(async () => {
    if (!canAct) return setActive(undefined);
    const a = await call<{ services: ServiceFaults[] }>('/api/control/faults', {
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    if (a.ok) setActive(a.body.services);
    else setProblem(a.problem);
  }, [token, canAct]);
  useEffect(() => {
    setProblem(undefined);
    void refresh();
    const timer = setInterval(() => void refresh(), 5_000);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = async (method: string, path: string) => {
    setBusy(true);
    setProblem(undefined);
    const a = await call(path, { method, ...(auth ? { headers: auth } : {}) });
    if (!a.ok) setProblem(a.problem);
    await refresh();
    setBusy(false);
  };
  const activeIds = new Set(active?.flatMap((s) => s.rules.map((r) => r.id)) ?? []);
  const rules = active?.flatMap((s) => s.rules.map((r) => ({ ...r, service: s.service }))) ?? [];

  return (
    <section className="faults" aria-label="Failure modes">
      <h2>Failure modes</h2>
      {problem && <ProblemMessage problem={problem} testId="admin-problem" />}
      <ul className="presets">
        {presets.map((p) => {
          const on = p.rules.every((r) => activeIds.has(r.id));
          return (
            <li key={p.id}>
              <button
                type="button"
                disabled={busy}
                aria-pressed={on}
                data-testid={`preset-${p.id}`}
                onClick={() => void act(on ? 'DELETE' : 'POST', `/api/control/presets/${p.id}`)}
              >
                {on ? `Remove: ${p.title}` : p.title}
              </button>
              <small>{p.expect}</small>
            </li>
          );
        })}
      </ul>
      <h3>Active faults</h3>
      {!canAct && <p className="muted">Enter the admin token to see and change faults.</p>}
      {canAct && active && rules.length === 0 && <p data-testid="no-faults">No fault is active.</p>}
      <ul data-testid="active-faults">
        {rules.map((r) => (
          <li key={`${r.service}/${r.id}`}>
            <code>{r.service}</code> {r.id}: {r.fault.kind} on {r.target} <code>{r.name}</code>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="danger"
        disabled={busy}
        data-testid="restore-all"
        onClick={() => void act('DELETE', '/api/control/faults')}
      >
        Restore all
      </button>
    </section>
  );
}
