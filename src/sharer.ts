// cobrowse-rtc for the customer's page (the sharer) only: what a site embeds to share a page —
// the session, the chat signaling, the consent/banner/button/annotation elements — and not the
// mirror, which only the agent's console needs. Global `CobrowseSharer` in the IIFE build.
// Importing it registers the elements (<cobrowse-consent>, <cobrowse-sharing-banner>,
// <cobrowse-share-button>, <cobrowse-annotations>).
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
  type ChatWelcome,
  type ChatEvent,
  type ChatInvitation,
} from './signaling/reference-chat.js';
export {
  CobrowseConsent,
  requestConsent,
  showConsent,
  type ConsentViewer,
  CobrowseSharingBanner,
  CobrowseShareButton,
  CobrowseAnnotations,
  showAnnotations,
  IGNORE_ATTR,
} from './elements/sharer/index.js';
export { setMessages } from './elements/i18n.js';
