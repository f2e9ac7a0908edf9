// The wire format: SPEC.md is the specification; this is its public surface.
export * from './constants.js';
export { ProtocolError, type ProtocolErrorCode } from './errors.js';
export { FrameEncoder } from './encoder.js';
export { FrameDecoder } from './decoder.js';
export type * from './types.js';
export { encodeFrame, decodeFrame } from './frame.js';
export { frameKind, isSnapshotFrame } from './header.js';
