import { AppError } from '@rc/platform';

/** Who may use the load control. */
export interface LoadPolicy {
  loopbackOnly: boolean;
}

/** DI token of the {@link LoadPolicy}. */
export const LOAD_POLICY = Symbol('LOAD_POLICY');

/** The load control was called from another machine while it is loopback-only: 403. */
export class LoadRefusedForClientError extends AppError {
  readonly code = 'CONSOLE.LOAD_LOOPBACK_ONLY';
  readonly httpStatus = 403;
  constructor() {
    super('The load control accepts requests from this machine only (LOAD_LOOPBACK_ONLY).');
  }
}
