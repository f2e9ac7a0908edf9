// cobrowse-rtc/reference-server: the clients of the reference server (server/), for either side — its
// chat (connectReferenceChat) and its PeerJS relay for WebRTC set-up (createPeerJsSignaling; pass
// `() => createPeerJsSignaling({ url, id, token })` as a session's `signaling`). Its own entry
// because a site whose own chat carries the signals needs neither, so the sharer's core does not
// carry them; the main entry re-exports them.
export { createPeerJsSignaling, type PeerJsSignalingOptions } from './signaling/peerjs.js';
// the types its API names (the adapter it makes, the chat it can carry signals over, the errors' base)
export type { SignalingAdapter } from './signaling/adapter.js';
export type { TextChat } from './signaling/chat.js';
export type { CodedError } from './errors.js';
export {
  connectReferenceChat,
  ReferenceChatError,
  type ReferenceChat,
  type ReferenceChatOptions,
  type ReferenceChatErrorCode,
  type ChatState,
  type ReconnectOptions,
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
  type ControlReport,
} from './signaling/reference-chat.js';
