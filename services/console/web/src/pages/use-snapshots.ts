import { useEffect, useState } from 'react';
import type { ControlSnapshot } from '../../../src/domain/control-room.types';

/** The control room's live state from the console's event stream (reconnects by itself). */
export function useSnapshots(): { snapshot: ControlSnapshot | undefined; connected: boolean } {
  const [snapshot, setSnapshot] = useState<ControlSnapshot | undefined>();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/control/stream');
    source.addEventListener('snapshot', (e) => {
      setConnected(true);
      setSnapshot(JSON.parse((e as MessageEvent<string>).data) as ControlSnapshot);
    });
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, []);
  return { snapshot, connected };
}
