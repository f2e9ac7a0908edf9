// A frame's header, read without decoding the frame (SPEC.md, "Frame": `version:u8 kind:u8 seq:uv ...`).
import { FrameKind, PROTOCOL_VERSION } from './constants.js';

/**
 * What kind of frame `frame` is, from its first two bytes: for the layers that route frames without
 * decoding them (the session sends a snapshot only to the viewers waiting for one, and a viewer that
 * asked for a snapshot skips deltas until it comes), so that only this module knows where the kind
 * byte is. Null when the bytes do not start a frame of this version: too short, another version, or
 * an unknown kind. Such a frame is neither a snapshot nor a delta, and the decoder rejects it.
 */
export function frameKind(frame: Uint8Array): FrameKind | null {
  if (frame.length < 2 || frame[0] !== PROTOCOL_VERSION) return null;
  const kind = frame[1];
  return kind === FrameKind.Snapshot || kind === FrameKind.Delta ? kind : null;
}

/** A snapshot (SPEC.md: kind 0, the full state): the viewer drops everything it had. */
export function isSnapshotFrame(frame: Uint8Array): boolean {
  return frameKind(frame) === FrameKind.Snapshot;
}
