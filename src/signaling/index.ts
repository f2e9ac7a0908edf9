// Signaling: the adapter interface and its implementations (see adapter.ts, server/PROTOCOL.md).
// The public surface (re-exported by src/index.ts); the chat envelope (SIGNAL_PREFIX, …) is internal.
export { SignalingError, type Signal, type SignalingAdapter, type SignalingErrorCode } from './adapter.js';
export { createPeerJsSignaling, type PeerJsSignalingOptions } from './peerjs.js';
export { createChatSignaling, type TextChat, type ChatSignalingOptions } from './chat.js';
export {
  connectReferenceChat,
  ReferenceChatError,
  type ReferenceChat,
  type ReferenceChatOptions,
  type ChatState,
  type ReconnectOptions,
  type ReferenceChatErrorCode,
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
} from './reference-chat.js';
export type { SocketLike, SocketConstructor } from './socket.js';
