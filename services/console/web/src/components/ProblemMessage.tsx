import type { Problem } from '../api';

/** A failed answer shown as a shop would: its title and detail, never a stack. */
export function ProblemMessage({ problem, testId }: { problem: Problem; testId?: string }) {
  return (
    <div className="problem" role="alert" data-testid={testId ?? 'problem'}>
      <strong>{problem.title}</strong>
      {problem.detail && <p>{problem.detail}</p>}
      {problem.status > 0 && (
        <small>
          HTTP {problem.status}
          {problem.code ? ` · ${problem.code}` : ''}
        </small>
      )}
    </div>
  );
}
