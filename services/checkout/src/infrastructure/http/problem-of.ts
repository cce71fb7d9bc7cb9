import { HttpDependencyError, type ProblemDetails } from '@rc/resilience';

/** The HTTP status and problem+json body of a dependency's non-2xx answer, if that is what `error` is. */
export function answerOf(
  error: unknown,
): { status: number; code: string | undefined; problem: ProblemDetails | undefined } | undefined {
  if (!(error instanceof HttpDependencyError) || error.status === undefined) return undefined;
  const code = typeof error.problem?.code === 'string' ? error.problem.code : undefined;
  return { status: error.status, code, problem: error.problem };
}

/** The `skus` extension member of a problem (inventory names the SKUs it refused), if any. */
export function skusOf(problem: ProblemDetails | undefined): string[] {
  const skus = problem?.skus;
  return Array.isArray(skus) ? skus.filter((s): s is string => typeof s === 'string') : [];
}
