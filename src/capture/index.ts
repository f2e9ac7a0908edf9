// Capture on the sharer: `capture(document, { onFrame })` streams frames (SPEC.md) of the page.
import { Capture, type CaptureHandle, type CaptureOptions } from './capture.js';
import { defaultWatchers } from './default-watchers.js';

export type { CaptureHandle, CaptureOptions } from './capture.js';
export type { MaskOptions } from './mask.js';

/**
 * Starts capturing `doc`. The first frame (a full snapshot) is delivered to `onFrame` before this
 * returns (a large page's in the next tasks: it is written in slices); then one delta frame per task
 * in which something changed. Masking happens here, on the
 * sharer: masked data never enters a frame.
 */
export function capture(doc: Document, options: CaptureOptions): CaptureHandle {
  return new Capture(doc, options, defaultWatchers());
}

/**
 * The same, for the sharing session: the capture itself, which also maps ids to nodes (remote
 * control); `onSlice` hears how far a snapshot written in slices is (for the viewers waiting for it).
 */
export function captureForSession(doc: Document, options: CaptureOptions, onSlice?: (written: number, total: number) => void): Capture {
  return new Capture(doc, options, defaultWatchers(), onSlice);
}

export type { Capture };
