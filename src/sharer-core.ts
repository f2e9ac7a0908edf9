// cobrowse-rtc/sharer/core: the customer's side without elements and without Lit, for a site that
// brings its own consent dialog and banner (its chat widget has them): the sharing session, signaling
// over the site's own chat, the transport types and the errors. (With the reference server, add
// cobrowse-rtc/reference-server.) This is the
// one list of the sharer's API: the sharer entry (src/sharer.ts) adds the elements to it, the main
// entry (src/index.ts) the agent's side.
export { SharingSession, type SharingEvents } from './session/sharing.js';
export { startSharing, resumeSharing } from './session/start-sharing.js';
// the base of both sessions' on()/off(), part of their types
export type { Emitter } from './session/events.js';
export type {
  SharingOptions,
  CommonOptions,
  SessionState,
  StateChange,
  EndReason,
  Invitation,
  SignalingSource,
  ViewerInfo,
  ViewerRole,
  ControlMode,
  ControlChange,
  ControlEndReason,
  InkStroke,
  ViewerRequest,
  ApprovalRequest,
  ApprovalEnd,
  ApproveMode,
} from './session/types.js';
export { SessionError, type SessionErrorCode } from './session/limits.js';
// remote control's types (the engine itself is in cobrowse-rtc/sharer, or enableRemoteControl() of the main entry)
export type { ControlRules } from './session/control-port.js';
export type { ControlAction, RefusalReason } from './control/actions.js';
export { CodedError } from './errors.js';
export type { MaskOptions } from './capture/mask.js';
export type { CaptureOptions } from './capture/capture.js';
export { TransportError, type Transport, type TransportCloseReason, type TransportErrorCode } from './transport/transport.js';
export type { PeerTransport, PeerTransportOptions, PeerImplementation } from './transport/peer.js';
export { SignalingError, type Signal, type SignalingAdapter, type SignalingErrorCode } from './signaling/adapter.js';
export { createChatSignaling, type TextChat, type ChatSignalingOptions } from './signaling/chat.js';
