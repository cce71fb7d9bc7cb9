/**
 * One pass of a reconciliation command over what it leased: handles the items one after
 * another (a provider call each, so never all at once), reports each outcome to `observe` (a
 * metric) and returns the counts by outcome, starting from `zero` (every outcome at 0).
 */
export async function handleLeased<T, O extends string>(
  leased: readonly T[],
  zero: Record<O, number>,
  handle: (item: T) => Promise<O>,
  observe: (outcome: O) => void,
): Promise<Record<O, number>> {
  const counts = { ...zero };
  for (const item of leased) {
    const outcome = await handle(item);
    counts[outcome]++;
    observe(outcome);
  }
  return counts;
}
