// Transports: how frames travel between sharer and viewer. See transport.ts for the contract.
// The public surface (re-exported by src/index.ts); the chunking behind it is internal (chunker.ts).
export { TransportError, type Transport, type TransportCloseReason, type TransportErrorCode } from './transport.js';
export { createLoopbackPair } from './loopback.js';
export { createPeerTransport, type PeerTransport, type PeerTransportOptions, type PeerImplementation } from './peer.js';
