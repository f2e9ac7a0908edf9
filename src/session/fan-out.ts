/**
 * One capture of the page, fanned out to the approved viewers: a snapshot to the viewers waiting for
 * one (they go live with it), the deltas to the live ones. The capture starts with the first
 * viewer's snapshot; a later viewer gets a resync snapshot of its own, which carries the seq of the
 * last delta it includes, so it continues the one live sequence (SPEC.md, "Frame"). Masking happens
 * inside the capture: masked data never gets here.
 */
import type { Capture } from '../capture/index.js';
import { isSnapshotFrame } from '../protocol/header.js';
import type { SecureChannel } from '../secure/index.js';
import { controlMessage, frameMessage } from './messages.js';

/** A viewer as the fan-out sees it. */
export interface Recipient {
  /** Null while the viewer is reconnecting. */
  channel: SecureChannel | null;
  /** Gets deltas: its snapshot has been sent on the current channel. */
  live: boolean;
}

export class FanOut<R extends Recipient> {
  #handle: Capture | null = null;

  /** The running capture (null before the first viewer was approved): remote control maps ids through it. */
  get capture(): Capture | null {
    return this.#handle;
  }
  /** Viewers whose next snapshot is on its way. */
  readonly #awaiting = new Set<R>();

  constructor(
    /** Every approved viewer, in the order they joined. */
    private readonly recipients: () => Iterable<R>,
    /** Starts the capture, which calls `onFrame` with each frame and `onSlice` while it writes a large snapshot. */
    private readonly startCapture: (onFrame: (frame: Uint8Array) => void, onSlice: (written: number, total: number) => void) => Capture,
  ) {}

  /** Starts the capture on the first viewer; later viewers get a resync snapshot of their own. */
  sendSnapshot(viewer: R): void {
    this.#awaiting.add(viewer);
    if (this.#handle) this.#handle.resync();
    else
      this.#handle = this.startCapture(
        (frame) => this.#route(frame),
        (n, of) => this.#tellWaiting(controlMessage({ t: 'writing', n, of })),
      );
  }

  /** A large snapshot is still being written: the viewers waiting for it can show how far it is. */
  #tellWaiting(message: Uint8Array): void {
    for (const viewer of this.#awaiting) viewer.channel?.send(message);
  }

  /** The viewer's channel is gone: it gets nothing until its next snapshot. */
  forget(viewer: R): void {
    viewer.live = false;
    this.#awaiting.delete(viewer);
  }

  stop(): void {
    this.#handle?.stop();
    this.#handle = null;
  }

  /** Snapshots go to the viewers waiting for one (who then go live); deltas to the live viewers. */
  #route(frame: Uint8Array): void {
    const snapshot = isSnapshotFrame(frame);
    if (snapshot && this.#awaiting.size === 0) return;
    const message = frameMessage(frame);
    if (!snapshot) {
      for (const viewer of this.recipients()) if (viewer.live) viewer.channel?.send(message);
      return;
    }
    for (const viewer of this.#awaiting) {
      if (!viewer.channel) continue;
      viewer.channel.send(message);
      viewer.live = true;
    }
    this.#awaiting.clear();
  }
}
