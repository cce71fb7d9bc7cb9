import { AppError } from '@rc/platform';
import {
  FAULT_PRESETS,
  type FaultPreset,
  type FaultRule,
  presetById,
  type ServiceFaults,
  withoutPreset,
  withPreset,
} from '../domain/fault-presets';
import type { PlatformEndpoint } from '../domain/platform-endpoint';
import { jsonOf, type Upstream } from '../domain/upstream.port';

/** No admin token, or one a service refused: 401 with a message a person can act on. */
export class AdminTokenRejectedError extends AppError {
  readonly code = 'CONSOLE.ADMIN_TOKEN_REJECTED';
  readonly httpStatus = 401;
  constructor(service?: string) {
    super(
      service
        ? `The admin token was refused by ${service}: check it and enter it again.`
        : 'An admin token is needed for this action: enter it first.',
    );
  }
}

/** An unknown preset id: 404. */
export class UnknownPresetError extends AppError {
  readonly code = 'CONSOLE.UNKNOWN_PRESET';
  readonly httpStatus = 404;
  constructor(id: string) {
    super(`There is no failure preset "${id}".`, {
      meta: { presets: FAULT_PRESETS.map((p) => p.id) },
    });
  }
}

/** A service's admin API answered something unexpected: 502. */
export class FaultAdminFailedError extends AppError {
  readonly code = 'CONSOLE.FAULT_ADMIN_FAILED';
  readonly httpStatus = 502;
  constructor(service: string, status: number) {
    super(`${service}'s admin API answered ${status}.`, { meta: { service, status } });
  }
}

/**
 * Applies and removes failure presets through the services' own admin APIs
 * (`/admin/faults`), with the token the operator typed in: the console has none of its own.
 */
export class FaultAdmin {
  constructor(
    private readonly services: readonly PlatformEndpoint[],
    private readonly upstream: Upstream,
    private readonly timeoutMs: number,
  ) {}

  /** Every service's active rules; a service that does not answer is listed with its error. */
  async list(token: string | undefined): Promise<ServiceFaults[]> {
    const auth = requireToken(token);
    return Promise.all(
      this.services.map(async (s): Promise<ServiceFaults> => {
        try {
          return { service: s.name, rules: await this.rulesOf(s, auth) };
        } catch (e) {
          if (e instanceof AdminTokenRejectedError) throw e;
          return { service: s.name, rules: [], error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  }

  /** Puts a preset's rules on its service (other rules there are kept). */
  async apply(presetId: string, token: string | undefined): Promise<FaultPreset> {
    const preset = presetById(presetId);
    if (!preset) throw new UnknownPresetError(presetId);
    const auth = requireToken(token);
    const service = this.endpoint(preset.service);
    await this.put(service, withPreset(await this.rulesOf(service, auth), preset), auth);
    return preset;
  }

  /** Takes a preset's rules off its service. */
  async remove(presetId: string, token: string | undefined): Promise<FaultPreset> {
    const preset = presetById(presetId);
    if (!preset) throw new UnknownPresetError(presetId);
    const auth = requireToken(token);
    const service = this.endpoint(preset.service);
    await this.put(service, withoutPreset(await this.rulesOf(service, auth), preset), auth);
    return preset;
  }

  /** Every fault off on every service (`DELETE /admin/faults`). */
  async restoreAll(token: string | undefined): Promise<void> {
    const auth = requireToken(token);
    await Promise.all(
      this.services.map(async (s) => {
        const res = await this.upstream.call(s.name, `${s.adminUrl}/admin/faults`, {
          method: 'DELETE',
          headers: auth,
          timeoutMs: this.timeoutMs,
        });
        check(s.name, res.status);
      }),
    );
  }

  private endpoint(name: string): PlatformEndpoint {
    const found = this.services.find((s) => s.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }

  private async rulesOf(s: PlatformEndpoint, auth: Record<string, string>): Promise<FaultRule[]> {
    const res = await this.upstream.call(s.name, `${s.adminUrl}/admin/faults`, {
      headers: auth,
      timeoutMs: this.timeoutMs,
    });
    check(s.name, res.status);
    return (jsonOf(res) as { rules?: FaultRule[] } | undefined)?.rules ?? [];
  }

  private async put(s: PlatformEndpoint, rules: FaultRule[], auth: Record<string, string>) {
    const res = await this.upstream.call(s.name, `${s.adminUrl}/admin/faults`, {
      method: 'PUT',
      headers: auth,
      body: { rules },
      timeoutMs: this.timeoutMs,
    });
    check(s.name, res.status);
  }
}

function requireToken(token: string | undefined): Record<string, string> {
  if (!token) throw new AdminTokenRejectedError();
  return { authorization: `Bearer ${token}` };
}

function check(service: string, status: number): void {
  // 401 only: a 403 is a refused rule (a destructive fault the service does not allow), not the token.
  if (status === 401) throw new AdminTokenRejectedError(service);
  if (status < 200 || status >= 300) throw new FaultAdminFailedError(service, status);
}
