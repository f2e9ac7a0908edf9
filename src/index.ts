// cobrowse-rtc public entry. The same names are on the IIFE global `CobrowseRTC`.
export { capture, type CaptureHandle, type CaptureOptions } from './capture/index.js';
export type { MaskOptions } from './capture/mask.js';
export { Mirror, type MirrorOptions } from './mirror/index.js';
export {
  encodeFrame,
  decodeFrame,
  FrameEncoder,
  FrameDecoder,
  ProtocolError,
  PROTOCOL_VERSION,
  OpCode,
  NodeKind,
  FrameKind,
  type Frame,
  type Op,
  type WireNode,
  type ProtocolErrorCode,
} from './protocol/index.js';
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
export { startSharing, resumeSharing, startViewing, SharingSession, ViewingSession } from './session/index.js';
export type {
  SharingEvents,
  ViewingEvents,
  SharingOptions,
  ViewingOptions,
  SessionState,
  StateChange,
  EndReason,
  Invitation,
  SignalingOptions,
  ViewerInfo,
  ViewerRequest,
  ApprovalRequest,
  ApprovalEnd,
  ApproveMode,
  Progress,
} from './session/index.js';
export { SessionError, type SessionErrorCode } from './session/limits.js';
// transports and signaling: what the README documents, not the chunking or the chat envelope behind them
export { TransportError, type Transport, type TransportCloseReason, type TransportErrorCode } from './transport/transport.js';
export { createLoopbackPair } from './transport/loopback.js';
export { createPeerTransport, type PeerTransport, type PeerTransportOptions, type PeerImplementation } from './transport/peer.js';
export { SignalingError, type Signal, type SignalingAdapter, type SignalingErrorCode } from './signaling/adapter.js';
export { createPeerJsSignaling, type PeerJsSignalingOptions } from './signaling/peerjs.js';
export { createChatSignaling, type TextChat, type ChatSignalingOptions } from './signaling/chat.js';
export {
  connectReferenceChat,
  ReferenceChatError,
  type ReferenceChat,
  type ReferenceChatOptions,
  type ReferenceChatErrorCode,
  type ReconnectOptions,
  type ChatState,
  type ChatWelcome,
  type ChatEvent,
  type ChatParty,
  type ChatRole,
  type ChatInvitation,
  type InvitationEvent,
  type InvitationRequest,
  type IceGrant,
  type MaskDescription,
  type ShareState,
} from './signaling/reference-chat.js';
export type { SocketLike, SocketConstructor } from './signaling/socket.js';
// The viewer element: importing the entry registers <cobrowse-viewer> (once) and exports its class.
export * from './elements/viewer/define.js';
export { setMessages } from './elements/i18n.js';
