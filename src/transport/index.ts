// Transports: how frames travel between sharer and viewer. See transport.ts for the contract.
export { TransportError, type Transport, type TransportCloseReason, type TransportErrorCode } from './transport.js';
export { createLoopbackPair } from './loopback.js';
export {
  createPeerTransport,
  type PeerTransport,
  type PeerTransportOptions,
  type PeerImplementation,
} from './peer.js';
export {
  chunkMessage,
  ChunkedMessage,
  Reassembler,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_MESSAGE_SIZE,
  type ChunkOptions,
  type ReassemblerOptions,
} from './chunker.js';
