import type { Tree } from '@nx/devkit';
import type { NormalizedServiceOptions } from './generator';

/** The platform's Compose file, at the workspace root. */
export const COMPOSE_FILE = 'docker-compose.yml';

/** The one Dockerfile every backend service's image is built from (build argument SERVICE). */
export const SERVICE_DOCKERFILE = 'deploy/docker/service.Dockerfile';

/** CPU weight by tier (Compose `cpu_shares`), as the six services have it. */
const CPU_SHARES = { 1: 1024, 2: 512, 3: 256, 4: 128 } as const;

/**
 * Where a new entry goes: before the observability profile's section, else before the top-level
 * `volumes:` (the end of `services:`).
 */
const ANCHORS = [/^ {2}# -+ observability profile/m, /^volumes:/m];

/** Whether docker-compose.yml already has a service called `name`. */
export function composeHasService(text: string, name: string): boolean {
  return new RegExp(`^ {2}${name}:\\s*$`, 'm').test(text);
}

/**
 * The docker-compose.yml entry of a new service: its image built from the shared Dockerfile
 * (build arguments SERVICE and PORT), the platform's environment, its ports (public and admin,
 * on 127.0.0.1), what it waits for, a memory limit and the CPU weight of its tier.
 */
export function composeEntry(options: NormalizedServiceOptions): string {
  const { name, port, store, tier } = options;
  const admin = port + 1000;
  const secret = `RC_PG_${name.replace(/-/g, '_').toUpperCase()}_PASSWORD`;
  const database = `rc_${name.replace(/-/g, '_')}`;
  const lines = [
    `  # ------------------------------------------------------------------ ${name} (tier ${tier})`,
    `  ${name}:`,
    '    <<: *service',
    `    image: rc/${name}:local`,
    '    build:',
    '      context: .',
    `      dockerfile: ${SERVICE_DOCKERFILE}`,
    `      args: { SERVICE: ${name}, PORT: ${port} }`,
    `    ports: ['127.0.0.1:${port}:${port}', '127.0.0.1:${admin}:${admin}']`,
    '    environment:',
    '      <<: [*platform-env, *redis-env]',
    `      SERVICE_NAME: ${name}`,
    `      PORT: ${port}`,
    ...(store === 'postgres'
      ? [
          `      DATABASE_URL: postgres://${database}:\${${secret}:?set ${secret} (node scripts/gen-env.mjs writes .env)}@postgres:5432/${database}`,
        ]
      : []),
    ...(store === 'postgres'
      ? [
          '    depends_on:',
          '      <<: *infra-ready',
          '      postgres: { condition: service_healthy }',
        ]
      : ['    depends_on: *infra-ready']),
    '    deploy: { resources: { limits: { memory: 256M } } }',
    `    cpu_shares: ${CPU_SHARES[tier]}`,
  ];
  return `${lines.join('\n')}\n\n`;
}

/**
 * Adds the service's entry to docker-compose.yml (when the workspace has one): before the
 * observability section, else at the end of `services:`. Returns whether it was added.
 */
export function addComposeEntry(tree: Tree, options: NormalizedServiceOptions): boolean {
  const text = tree.read(COMPOSE_FILE, 'utf8');
  if (text === null) return false;
  const at = ANCHORS.map((a) => a.exec(text)?.index).find((i) => i !== undefined);
  const entry = composeEntry(options);
  tree.write(
    COMPOSE_FILE,
    at === undefined
      ? `${text.trimEnd()}\n\n${entry}`
      : `${text.slice(0, at)}${entry}${text.slice(at)}`,
  );
  return true;
}
