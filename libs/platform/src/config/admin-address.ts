import type { PlatformConfig } from './config-schema';
import { ConfigError } from './load-config';

/** How far above the public port the admin API listens by default (3000 → 4000). */
export const ADMIN_PORT_OFFSET = 1000;

/** Where the admin API listens: host and port (0 = any free port). */
export interface AdminAddress {
  host: string;
  port: number;
}

/**
 * The admin API's address from the validated config: `ADMIN_HOST`, and `ADMIN_PORT` or else
 * `PORT + 1000` (any free port when `PORT` is 0, as in tests). The admin API must never share
 * the public port — that is the point of moving it — so an equal port, or a default past 65535,
 * refuses to start with a {@link ConfigError} naming the keys.
 */
export function adminAddress(
  config: Pick<PlatformConfig, 'PORT' | 'ADMIN_PORT' | 'ADMIN_HOST'>,
): AdminAddress {
  const port = config.ADMIN_PORT ?? (config.PORT === 0 ? 0 : config.PORT + ADMIN_PORT_OFFSET);
  if (port > 65535)
    throw new ConfigError([
      `ADMIN_PORT: not set, and the default PORT + ${ADMIN_PORT_OFFSET} (${port}) is past 65535; set ADMIN_PORT`,
    ]);
  if (port !== 0 && port === config.PORT)
    throw new ConfigError([
      `ADMIN_PORT: must differ from PORT (${port}): the admin API is never served on the public port`,
    ]);
  return { host: config.ADMIN_HOST, port };
}
