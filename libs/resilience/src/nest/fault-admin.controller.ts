import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Put,
  UseGuards,
} from '@nestjs/common';
import type { FaultInjector, FaultRule } from '../fault-injection';
import { AdminTokenGuard } from './admin-token.guard';
import { SkipResilience } from './resilience.decorators';
import { ResilienceRegistry } from './resilience.registry';

/** Body of GET/PUT `/admin/faults`. */
export interface FaultRulesBody {
  rules: FaultRule[];
}

/**
 * Runtime switch for fault injection (bearer token required):
 * - `GET /admin/faults` → `{ rules }`;
 * - `PUT /admin/faults` with `{ rules: [...] }` → replaces all rules (400 with the issues when
 *   any rule is invalid; the previous rules then stay in force);
 * - `DELETE /admin/faults` → 204, every fault off.
 * Exempt from shedding, rate limits and faults so it stays usable during an experiment.
 */
@Controller('admin/faults')
@UseGuards(AdminTokenGuard)
@SkipResilience()
export class FaultAdminController {
  constructor(private readonly registry: ResilienceRegistry) {}

  @Get()
  get(): FaultRulesBody {
    return { rules: this.injector().getRules() };
  }

  @Put()
  put(@Body() body: unknown): FaultRulesBody {
    const rules =
      typeof body === 'object' && body !== null ? (body as { rules?: unknown }).rules : undefined;
    return { rules: this.injector().setRules(rules) };
  }

  @Delete()
  @HttpCode(204)
  clear(): void {
    this.injector().clear();
  }

  private injector(): FaultInjector {
    const injector = this.registry.faultInjector;
    if (!injector) throw new NotFoundException('fault injection is not configured in this service');
    return injector;
  }
}
