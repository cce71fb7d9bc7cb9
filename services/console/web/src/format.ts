/** A price in minor units as money: `12.99 EUR`. */
export function money(minor: number, currency: string): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}

/** A rate for a tile: `12.3/s`, `0/s`. */
export function perSecond(v: number): string {
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '')}/s`;
}

/** A ratio as a percentage: `2.5 %`. */
export function percent(v: number): string {
  return `${(v * 100).toFixed(v >= 0.1 ? 0 : 1)} %`;
}

/** A latency: `—` without traffic. */
export function ms(v: number | null): string {
  return v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}
