// cobrowse-rtc: the whole API, both sides, without elements and without Lit (importing it registers
// nothing). The elements have their own entries: cobrowse-rtc/viewer (<cobrowse-viewer>) and
// cobrowse-rtc/sharer (the customer's). api/*.api.md is the reviewed report of each entry.
// the customer's side: one list, in src/sharer-core.ts
export * from './sharer-core.js';
export * from './reference-server.js';
// the agent's side
export { startViewing, ViewingSession, type ViewingEvents } from './session/viewing.js';
export type { ViewingOptions, Progress, ViewerControl, CustomerPresence } from './session/types.js';
// remote control on the customer's page (cobrowse-rtc/sharer enables it by itself)
export { enableRemoteControl } from './control/index.js';
// the engine alone, and the channel the sessions run on
export { capture, type CaptureHandle } from './capture/index.js';
export { Mirror, type MirrorOptions, type MirrorViewport } from './mirror/mirror.js';
export { ProtocolError, type ProtocolErrorCode } from './protocol/errors.js';
export {
  openSecureChannel,
  SecureChannel,
  SecureError,
  randomSecret,
  encodeSecret,
  decodeSecret,
  type SecureErrorCode,
  type SecureOptions,
  type SecureRole,
} from './secure/index.js';
export { createPeerTransport, type PeerTransport, type PeerTransportOptions, type PeerImplementation } from './transport/peer.js';
export { createLoopbackPair } from './transport/loopback.js';
