export { FaultProxy, parseAddress, type ProxyView } from './fault-proxy';
export { FAULT_PROXY_VERSION, FaultProxyServer } from './proxy-api';
export { ToxiproxyClient } from './toxiproxy-client';
export {
  parseToxic,
  ProxyApiError,
  type Toxic,
  TOXIC_TYPES,
  type ToxicStream,
  type ToxicType,
} from './toxics';
