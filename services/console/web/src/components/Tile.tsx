import type { ServiceTile } from '../../../src/domain/control-room.types';
import { ms, percent, perSecond } from '../format';

/** Whether a tile needs attention: not up, errors, an open breaker or shedding. */
export function tileStatus(t: ServiceTile): 'healthy' | 'degraded' | 'down' {
  if (t.health === 'down') return 'down';
  if (
    t.health !== 'up' ||
    t.errorRatio > 0.05 ||
    t.shedRate > 0 ||
    t.breakers.some((b) => b.state !== 'closed')
  )
    return 'degraded';
  return 'healthy';
}

/** One service: health, golden signals, breakers, shedding, rate limiting, lag, outbox. */
export function Tile({ tile }: { tile: ServiceTile }) {
  const status = tileStatus(tile);
  return (
    <article className={`tile ${status}`} data-testid={`tile-${tile.name}`} data-status={status}>
      <header>
        <h3>{tile.name}</h3>
        <span className={`badge ${status}`} data-testid={`health-${tile.name}`}>
          {tile.health}
        </span>
      </header>
      <dl>
        <dt>requests</dt>
        <dd>{perSecond(tile.requestRate)}</dd>
        <dt>errors</dt>
        <dd>{percent(tile.errorRatio)}</dd>
        <dt>p99</dt>
        <dd>{ms(tile.p99Ms)}</dd>
        <dt>shed</dt>
        <dd>{perSecond(tile.shedRate)}</dd>
        <dt>rate-limited</dt>
        <dd>{tile.rateLimited}</dd>
        {tile.consumerLag !== null && (
          <>
            <dt>consumer lag</dt>
            <dd data-testid={`consumer-lag-${tile.name}`}>{tile.consumerLag}</dd>
          </>
        )}
        {tile.outboxBacklog !== null && (
          <>
            <dt>outbox backlog</dt>
            <dd data-testid={`outbox-backlog-${tile.name}`}>{tile.outboxBacklog}</dd>
          </>
        )}
      </dl>
      {tile.breakers.length > 0 && (
        <ul className="breakers">
          {tile.breakers.map((b) => (
            <li
              key={b.dependency}
              className={`breaker ${b.state}`}
              data-testid={`breaker-${tile.name}-${b.dependency}`}
              data-state={b.state}
            >
              {b.dependency}: {b.state}
            </li>
          ))}
        </ul>
      )}
      {tile.error && <p className="muted">{tile.error}</p>}
    </article>
  );
}
