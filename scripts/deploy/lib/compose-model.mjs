// Readers for the parts of a Compose file the deploy checks look at: memory sizes, published
// ports, environment maps, variable interpolation, bind mounts and profiles.
import { posix } from 'node:path';

/** `${VAR:-default}` / `${VAR-default}` → default, `${VAR}` / `${VAR:?message}` / `$VAR` → '' (the file's own view). */
export function interpolateDefaults(value) {
  return (
    String(value)
      .replace(/\$\$/g, '$')
      .replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, _name, def) => def ?? '')
      // A required variable (`${VAR:?message}`, `${VAR?message}`) has no value here either.
      .replace(/\$\{\w+:?\?[^}]*\}/g, '')
      .replace(/\$(\w+)/g, '')
  );
}

/** Memory size of Compose (`512M`, `1g`, `268435456`, `1.5gb`) in MiB; NaN when unreadable. */
export function memoryMiB(value) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)b?\s*$/i.exec(String(value));
  if (!m) return Number.NaN;
  const unit = { '': 1 / 1048576, b: 1 / 1048576, k: 1 / 1024, m: 1, g: 1024 }[m[2].toLowerCase()];
  return Number(m[1]) * unit;
}

/** The memory limit of a service in MiB (deploy.resources.limits.memory or mem_limit). */
export function memoryLimitMiB(service) {
  const limit = service?.deploy?.resources?.limits?.memory ?? service?.mem_limit;
  return limit === undefined ? undefined : memoryMiB(interpolateDefaults(limit));
}

/**
 * Published ports of a service: short (`[ip:][published:]target[/proto]`) and long syntax.
 * Ports without a published side (an ephemeral host port) are left out.
 * @returns {{hostIp: string, published: string, target: string, protocol: string}[]}
 */
export function publishedPorts(service) {
  const out = [];
  for (const entry of service?.ports ?? []) {
    if (typeof entry === 'object' && entry !== null) {
      if (entry.published === undefined) continue;
      out.push({
        hostIp: entry.host_ip ?? '0.0.0.0',
        published: String(entry.published),
        target: String(entry.target),
        protocol: entry.protocol ?? 'tcp',
      });
      continue;
    }
    const [spec, protocol = 'tcp'] = interpolateDefaults(entry).split('/');
    const parts = spec.split(':');
    if (parts.length < 2) continue;
    const target = parts.pop();
    const published = parts.pop();
    out.push({ hostIp: parts.join(':') || '0.0.0.0', published, target, protocol });
  }
  return out;
}

/** The environment of a service as a plain object (mapping or `KEY=value` list syntax). */
export function environmentOf(service) {
  const env = service?.environment ?? {};
  if (!Array.isArray(env)) return { ...env };
  const out = {};
  for (const item of env) {
    const [key, ...rest] = String(item).split('=');
    out[key] = rest.length ? rest.join('=') : undefined;
  }
  return out;
}

/** Profiles of a service (none = always started). */
export function profilesOf(service) {
  return Array.isArray(service?.profiles) ? service.profiles : [];
}

/**
 * Bind mounts (host paths) and named volumes used by a service.
 * @returns {{binds: {source: string, target: string}[], named: string[]}}
 */
export function mountsOf(service) {
  const binds = [];
  const named = [];
  for (const v of service?.volumes ?? []) {
    let source;
    let target;
    let type;
    if (typeof v === 'object' && v !== null) {
      ({ source, target, type } = v);
    } else {
      [source, target] = String(v).split(':');
      type = /^[./~]/.test(source) ? 'bind' : 'volume';
      if (target === undefined) continue; // an anonymous volume
    }
    if (type === 'bind') binds.push({ source, target });
    else if (type === 'volume' && source) named.push(source);
  }
  return { binds, named };
}

/** The Dockerfile of a build section, relative to the Compose file's directory. */
export function dockerfileOf(service) {
  const build = service?.build;
  if (!build) return undefined;
  if (typeof build === 'string') return posix.join(build, 'Dockerfile');
  return posix.join(build.context ?? '.', build.dockerfile ?? 'Dockerfile');
}

/** Hosts and ports named by a URL-like value (`scheme://[user@]host[:port]/…`, or `h:p,h:p`). */
export function endpointsIn(value) {
  const text = interpolateDefaults(value);
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([a-zA-Z0-9.-]+)(?::(\d+))?(\/[^?#]*)?/.exec(
    text,
  );
  if (url) return [{ host: url[1], port: url[2], path: url[3] ?? '' }];
  if (/^[a-zA-Z0-9.-]+:\d+(,[a-zA-Z0-9.-]+:\d+)*$/.test(text)) {
    return text.split(',').map((hp) => {
      const [host, port] = hp.split(':');
      return { host, port, path: '' };
    });
  }
  return [];
}
