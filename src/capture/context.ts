// What the capture core shares with the watchers: the parts that capture state the DOM does not
// report (styles, form values, scroll, focus, media...). One context per `capture()` call.
import type { FrameEncoder } from '../protocol/encoder.js';
import type { MaskPolicy } from './mask.js';

/** A root whose nodes are captured: the top document, a same-origin frame's document, a shadow root. */
export type CaptureRoot = Document | ShadowRoot;

export interface CaptureContext {
  /** The top document given to `capture()`. */
  readonly document: Document;
  /** Writes ops. Use it only inside `snapshot()` / `flush()` of a watcher (a frame is open then). */
  readonly encoder: FrameEncoder;
  /** Masking decisions, made on the sharer before anything is written. */
  readonly mask: MaskPolicy;
  /** The node's id, or 0 when it is not (or no longer) captured. */
  id(node: Node): number;
  /**
   * Whether text at `node` (its own, or a field's value) is masked by the rules on it and its ancestors.
   * Answers are kept until a delta could change them (a move, an attribute the masking reads): a
   * field's every keystroke asks. Use it only inside `flush()` (after the frame's DOM ops).
   */
  textMasked(node: Node): boolean;
  /** Asks for a delta frame soon (coalesced: one per task). Call it when a watcher has state to write. */
  requestFlush(): void;
  /** Every root currently captured (documents and shadow roots), in no particular order. */
  roots(): Iterable<CaptureRoot>;
}

/**
 * A watcher: one concern (e.g. stylesheets, scroll positions), installed by `capture()` and removed by
 * `stop()`. The core calls the hooks in this order within a frame: the DOM ops first (so every node
 * exists in the viewer), then each watcher's `snapshot()` or `flush()`, in the order they were given.
 */
export interface CaptureWatcher {
  /** A root came into capture (at the snapshot, or added later). Start watching it. */
  rootAdded?(root: CaptureRoot, ctx: CaptureContext): void;
  /**
   * Lower-case local names of the elements this watcher wants `elementAdded` for (e.g. ['video',
   * 'audio']). Without it, `elementAdded` is called for every element: keep it cheap then.
   */
  readonly tags?: readonly string[];
  /**
   * An element was serialized (snapshot or added subtree), after it got its id. `snapshot`: inside a
   * snapshot (written in slices over several tasks: reading the element's state here spreads its cost).
   */
  elementAdded?(el: Element, id: number, ctx: CaptureContext, snapshot: boolean): void;
  /** Write the full state this watcher owns (a snapshot frame is open). */
  snapshot(ctx: CaptureContext): void;
  /** Write what changed since the last frame (a delta frame is open). */
  flush(ctx: CaptureContext): void;
  /** Remove every listener and patch. */
  stop(): void;
}
