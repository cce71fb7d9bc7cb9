import { useState } from 'react';
import type { Answer, Problem } from '../api';
import { ProblemMessage } from '../components/ProblemMessage';
import type { Order } from '../shop-types';

/** The test cards of the simulated payment provider. */
export const CARDS = [
  { token: 'tok_visa', label: 'Visa ending 4242 (accepted)' },
  { token: 'tok_declined', label: 'Card ending 0002 (declined)' },
];

/** Card choice and the order button; shows a failed order's problem (402, 503 …). */
export function Checkout({
  disabled,
  onPlace,
}: {
  disabled: boolean;
  onPlace: (token: string) => Promise<Answer<Order>>;
}) {
  const [token, setToken] = useState(CARDS[0]!.token);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | undefined>();
  return (
    <form
      className="checkout"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setProblem(undefined);
        void onPlace(token)
          .then((a) => setProblem(a.ok ? undefined : a.problem))
          .finally(() => setBusy(false));
      }}
    >
      <label>
        Card{' '}
        <select value={token} onChange={(e) => setToken(e.target.value)} data-testid="card">
          {CARDS.map((c) => (
            <option key={c.token} value={c.token}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={disabled || busy}>
        {busy ? 'Placing the order…' : 'Place order'}
      </button>
      {problem && <ProblemMessage problem={problem} testId="checkout-problem" />}
    </form>
  );
}
