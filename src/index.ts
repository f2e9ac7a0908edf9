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
// transports and signaling: their barrels list what the README documents, not the internals behind them
export * from './transport/index.js';
export * from './signaling/index.js';
// The viewer element: importing the entry registers <cobrowse-viewer> (once) and exports its class.
export * from './elements/viewer/define.js';
export { setMessages } from './elements/i18n.js';
