import type { ProxyView } from './fault-proxy';
import type { Toxic } from './toxics';

/**
 * A small client of the toxiproxy HTTP API: the experiments' proxy actions use it, so they drive
 * this project's fault proxy and a real toxiproxy alike.
 */
export class ToxiproxyClient {
  constructor(private readonly baseUrl: string) {}

  /** Adds a toxic to a proxy. */
  addToxic(proxy: string, toxic: Partial<Toxic> & { type: string }): Promise<Toxic> {
    return this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic);
  }

  /** Removes a toxic; a toxic already gone is not an error (rollbacks repeat removals). */
  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.call(
      'DELETE',
      `/proxies/${encodeURIComponent(proxy)}/toxics/${name}`,
      undefined,
      [404],
    );
  }

  /** Enables or disables ("down") a proxy. */
  setEnabled(proxy: string, enabled: boolean): Promise<ProxyView> {
    return this.call('POST', `/proxies/${encodeURIComponent(proxy)}`, { enabled });
  }

  /** Every proxy by name. */
  proxies(): Promise<Record<string, ProxyView>> {
    return this.call('GET', '/proxies');
  }

  /** Removes every toxic and enables every proxy. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    tolerated: number[] = [],
  ): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    if (!res.ok && !tolerated.includes(res.status))
      throw new Error(`toxiproxy ${method} ${path} answered ${res.status}: ${text}`);
    return (
      text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text
    ) as T;
  }
}
