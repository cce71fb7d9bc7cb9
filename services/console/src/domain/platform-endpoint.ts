import type { ServiceName } from './control-room.types';

/** One platform service as the console reaches it. */
export interface PlatformEndpoint {
  name: ServiceName;
  tier: 1 | 2 | 3 | 4;
  url: string;
  /** Base URL of its admin API (`/admin/faults`), on its own port. */
  adminUrl: string;
}
