// The sharer's core: what a site embeds to share a page when it brings its own consent dialog and
// banner (its chat widget has them) — the session, the chat signaling, the secure channel and the
// peer connection, no elements and no Lit. Global `CobrowseSharer` in the IIFE build, as the full
// sharer bundle (src/sharer.ts), which is this plus the elements.
export { startSharing, resumeSharing, SharingSession, type SharingEvents } from './session/sharing.js';
export type {
  SharingOptions,
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
} from './session/types.js';
export { SessionError, type SessionErrorCode } from './session/limits.js';
export type { MaskOptions } from './capture/mask.js';
export { createLoopbackPair } from './transport/loopback.js';
export type { Transport } from './transport/transport.js';
export { SignalingError, type Signal, type SignalingAdapter } from './signaling/adapter.js';
export { createPeerJsSignaling, type PeerJsSignalingOptions } from './signaling/peerjs.js';
export { createChatSignaling, type TextChat, type ChatSignalingOptions } from './signaling/chat.js';
export {
  connectReferenceChat,
  ReferenceChatError,
  type ReferenceChat,
  type ReferenceChatOptions,
  type ChatState,
  type ReconnectOptions,
  type ChatWelcome,
  type ChatEvent,
  type ChatInvitation,
} from './signaling/reference-chat.js';
