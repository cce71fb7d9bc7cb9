import { useCallback, useEffect, useState } from 'react';
import { call, type Problem } from '../api';

/** Where the tab keeps the customer it acts as (ids only: tokens never reach the page). */
const CHOSEN = 'rc-customer-id';

/**
 * The customers the console can act as (ids from `GET /api/shop/customers`) and the one this tab
 * has chosen: the one kept for the tab if the console still knows it, else the first. Without
 * customers, the console's problem says how to give it some.
 */
export function useCustomers() {
  const [customers, setCustomers] = useState<string[] | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [customerId, setCustomerId] = useState<string | undefined>();

  useEffect(() => {
    void call<{ customers: { customerId: string }[] }>('/api/shop/customers').then((a) => {
      if (!a.ok) return setProblem(a.problem);
      const ids = a.body.customers.map((c) => c.customerId);
      const kept = sessionStorage.getItem(CHOSEN);
      setCustomers(ids);
      setCustomerId(kept && ids.includes(kept) ? kept : ids[0]);
    });
  }, []);

  const choose = useCallback((id: string) => {
    sessionStorage.setItem(CHOSEN, id);
    setCustomerId(id);
  }, []);

  return { customers, customerId, problem, choose };
}
