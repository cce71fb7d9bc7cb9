import { useState } from 'react';
import { Tile } from '../components/Tile';
import { Timeline } from '../components/Timeline';
import { ChaosPanel } from './ChaosPanel';
import { FaultPanel } from './FaultPanel';
import { LoadControl } from './LoadControl';
import { useSnapshots } from './use-snapshots';

const TIERS = [
  { tier: 1, title: 'Tier 1 — core path, shed last' },
  { tier: 2, title: 'Tier 2' },
  { tier: 3, title: 'Tier 3' },
  { tier: 4, title: 'Tier 4 — given up first' },
];

/**
 * The control room: the six services by tier, updated live, the checkout timeline, the
 * failure modes and the load control. The admin token lives in this component's state only:
 * never stored, never in the page's HTML.
 */
export function ControlRoom() {
  const { snapshot, connected } = useSnapshots();
  const [token, setToken] = useState('');
  const [draft, setDraft] = useState('');
  return (
    <div className="control">
      <h1>
        Control room{' '}
        <span className={`badge ${connected ? 'healthy' : 'down'}`} data-testid="stream-status">
          {connected ? 'live' : 'connecting…'}
        </span>
      </h1>
      <div className="tiers">
        {TIERS.map(({ tier, title }) => (
          <section key={tier} className="tier" aria-label={title}>
            <h2>{title}</h2>
            <div className="tiles">
              {snapshot?.tiles
                .filter((t) => t.tier === tier)
                .map((t) => (
                  <Tile key={t.name} tile={t} />
                ))}
            </div>
          </section>
        ))}
      </div>
      <Timeline points={snapshot?.timeline ?? []} />
      <div className="panels">
        <section className="admin" aria-label="Admin token">
          <h2>Admin token</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setToken(draft.trim());
              setDraft('');
            }}
          >
            <input
              type="password"
              autoComplete="off"
              placeholder={token ? 'token entered (kept in memory)' : 'ADMIN_TOKEN of the services'}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              data-testid="admin-token"
            />{' '}
            <button type="submit" data-testid="admin-token-save">
              Use
            </button>
          </form>
        </section>
        <FaultPanel token={token} />
        <LoadControl status={snapshot?.load} />
      </div>
      <ChaosPanel />
    </div>
  );
}
