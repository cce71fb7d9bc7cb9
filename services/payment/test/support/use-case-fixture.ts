import type { LogFunction } from '@rc/platform';
import { ChargePayment } from '../../src/application/charge-payment.command';
import { RefundPayment } from '../../src/application/refund-payment.command';
import { HmacTokenFingerprinter } from '../../src/infrastructure/hmac-token.fingerprinter';
import { InMemoryPayments } from './in-memory-payments';
import { ScriptedProvider } from './scripted-provider';

/** A logged line, as a unit test inspects it. */
export interface LoggedLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/**
 * The in-memory store (also the reconciliation queue), a scripted provider, the charge and
 * refund use cases on them, and a log function that keeps its lines.
 */
export function inMemoryUseCases() {
  const store = new InMemoryPayments();
  const provider = new ScriptedProvider();
  const fingerprinter = new HmacTokenFingerprinter('unit-test-secret-0123456789');
  const logs: LoggedLine[] = [];
  const log: LogFunction = (level, message, fields) => void logs.push({ level, message, fields });
  return {
    store,
    provider,
    charge: new ChargePayment(store, provider, fingerprinter, store.staleAfterMs),
    refund: new RefundPayment(store, store, provider),
    logs,
    log,
  };
}
