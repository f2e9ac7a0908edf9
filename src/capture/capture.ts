// The capture of one document: its lifecycle. A snapshot at start (and at each resync; a large one is
// written over several tasks, see snapshot-slices.ts), then a delta frame per script (at most one an
// animation frame, see CaptureOptions.batch) with the net change of the DOM (MutationObserver
// records, see delta.ts) and of the state the watchers see; stop() undoes every observer, listener
// and patch.
import { FrameKind } from '../protocol/constants.js';
import { FrameEncoder } from '../protocol/encoder.js';
import { nextTask } from '../dom/next-task.js';
import { defaultView } from '../dom/safe-dom.js';
import type { CaptureContext, CaptureWatcher } from './context.js';
import { DeltaBuilder } from './delta.js';
import { documentURL } from './dom.js';
import { NodeIds } from './ids.js';
import { NodeLookup } from './node-lookup.js';
import { MaskPolicy, type MaskOptions } from './mask.js';
import { Serializer } from './serialize.js';
import { MAX_RESTARTS, SnapshotSlices, type SliceParts } from './snapshot-slices.js';
import { ObservedTrees } from './trees.js';
import { WatcherSet } from './watcher-set.js';
import { WrittenMasks } from './written-masks.js';

/** 'auto' batching: a frame sooner than this after the last one waits for the next animation frame. */
const MIN_GAP_MS = 16;
/** A frame held for an animation frame goes out after this at the latest (a hidden tab has none). */
const HELD_MAX_MS = 100;

export interface CaptureOptions {
  /**
   * Receives every frame, in order, synchronously. The first (a full snapshot) arrives before
   * `capture()` returns, unless the page is too large to write in one short task: then in the tasks
   * that follow. Later ones carry only what changed, one per script that changed something (see `batch`).
   */
  onFrame(frame: Uint8Array): void;
  /** What to mask or block on the sharer (see MaskOptions). Default: sensitive fields only. */
  mask?: MaskOptions;
  /** Called when a frame could not be produced or delivered (the capture goes on). Default: console.error once. */
  onError?(error: unknown): void;
  /**
   * When changes are written. `'auto'` (default): at the end of the script that made them (when the
   * MutationObserver delivers, before the browser renders), unless a frame went out less than 16 ms
   * before — then with whatever follows, at the next animation frame: an isolated change (a
   * keystroke, a click) goes out at once, a page or a script that changes many times a frame costs
   * one frame per frame, not one per change. `'immediate'`: always at the end of the script.
   * `'animation-frame'`: always at the next animation frame. A frame held for an animation frame
   * goes out within 100 ms when the tab is hidden (no animation frames there).
   */
  batch?: 'auto' | 'immediate' | 'animation-frame';
}

export interface CaptureHandle {
  /** Stops observing: disconnects everything and removes every patch and listener. */
  stop(): void;
  /**
   * Emits a full snapshot consistent with the live stream (flushing pending changes first), for a
   * viewer who joins late or lost frames. Other viewers may ignore it or apply it.
   */
  resync(): void;
  /** Sequence number of the last frame emitted. */
  readonly seq: number;
}

export class Capture implements CaptureHandle {
  readonly #encoder = new FrameEncoder();
  readonly #watchers: WatcherSet;
  readonly #observer: MutationObserver;
  readonly #trees: ObservedTrees;
  readonly #serializer: Serializer;
  readonly #delta: DeltaBuilder;
  readonly #ids = new NodeIds();
  readonly #lookup: NodeLookup;
  /** What the snapshot slices read to stay consistent (see snapshot-slices.ts). */
  readonly #sliceParts: SliceParts;
  /** The snapshot being written in slices, or null. */
  #slices: SnapshotSlices | null = null;
  #queue: MutationRecord[] = [];
  #scheduled = false;
  /** Counts flushes: a held flush's animation frame and its timer flush only if none ran since. */
  #flushes = 0;
  /** When the last delta went out (performance.now()), for 'auto' batching. */
  #sentAt = -Infinity;
  /** The held flushes' timer, for a tab without animation frames (hidden). */
  #timer = 0;
  #stopped = false;
  #errorLogged = false;
  /** A snapshot went out: deltas mean something only after one (a sliced one that starts again sends none before). */
  #started = false;
  #seqNo = 0;

  constructor(
    private readonly document: Document,
    private readonly options: CaptureOptions,
    watchers: readonly CaptureWatcher[],
    /** Told after each slice of a snapshot written in slices: elements written, of the top document's. */
    private readonly onSlice?: (written: number, total: number) => void,
  ) {
    const ids = this.#ids;
    const encoder = this.#encoder;
    const mask = new MaskPolicy(options.mask);
    const context: CaptureContext = {
      document,
      encoder,
      mask,
      id: (node) => ids.get(node),
      textMasked: (node) => this.#delta.textMasked(node),
      requestFlush: () => this.#schedule(),
      roots: () => this.#trees.liveRoots(),
    };
    this.#watchers = new WatcherSet(watchers, context);
    this.#observer = new MutationObserver((records) => this.#delivered(records));
    this.#trees = new ObservedTrees(this.#observer, ids, this.#watchers, () => this.#schedule());
    const set = this.#watchers;
    const written = new WrittenMasks();
    this.#sliceParts = { ids, mask, written };
    const elementAdded = (el: Element, tag: string, id: number, snapshot: boolean) => set.elementAdded(el, tag, id, snapshot);
    this.#serializer = new Serializer({ ids, encoder, mask, written, trees: this.#trees, elementAdded });
    this.#delta = new DeltaBuilder({ ids, encoder, mask, written, trees: this.#trees }, this.#serializer);
    this.#lookup = new NodeLookup(ids, () => this.#trees.liveRoots());
    this.#snapshot();
  }

  get seq(): number {
    return this.#seqNo;
  }

  /** The node's capture id, 0 when it has none (not captured): the viewer's mirror knows it by this id. */
  idOf(node: Node): number {
    return this.#ids.get(node);
  }

  /** The captured node with this id, or null (remote control names elements by the id the agent saw). */
  nodeOf(id: number): Node | null {
    return this.#lookup.nodeOf(id);
  }

  resync(): void {
    // a snapshot still being written is the one every waiting viewer gets
    if (this.#stopped || this.#slices) return;
    this.#flush();
    this.#snapshot();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#slices) this.#encoder.finish(); // the unfinished snapshot is dropped
    this.#endSlices();
    this.#observer.disconnect();
    this.#queue = [];
    this.#trees.stop();
    this.#watchers.stop();
  }

  /** MutationObserver records: written now, or held for the next animation frame (see `batch`). */
  #delivered(records: MutationRecord[]): void {
    const queue = this.#queue;
    // the observer's array is ours: taken as it is, no copy of 10,000 records
    if (!queue.length) this.#queue = records;
    else for (let i = 0; i < records.length; i++) queue.push(records[i]!);
    if (!this.#slices && this.#now()) return this.#flush();
    this.#trees.noteDetached(records);
    this.#schedule();
  }

  /** Whether a change is written at the end of this script rather than held (see CaptureOptions.batch). */
  #now(): boolean {
    const batch = this.options.batch;
    if (batch === 'immediate') return true;
    return batch !== 'animation-frame' && performance.now() - this.#sentAt >= MIN_GAP_MS;
  }

  #schedule(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    // state changes (events, patched setters) are written at the end of the current script, with any
    // DOM changes of the same script (the MutationObserver delivers at that same checkpoint)
    if (this.#now()) return queueMicrotask(() => this.#flush());
    const flushes = this.#flushes;
    const held = () => {
      if (this.#flushes === flushes) this.#flush();
    };
    const win = defaultView(this.document) ?? window;
    win.requestAnimationFrame(held);
    // one timer for many held flushes (a timer per frame costs more than the frame's own work)
    if (this.#timer) return;
    this.#timer = win.setTimeout(() => {
      this.#timer = 0;
      if (this.#scheduled) this.#flush();
    }, HELD_MAX_MS);
  }

  #emit(frame: Uint8Array): void {
    try {
      this.options.onFrame(frame);
    } catch (err) {
      this.#report(err);
    }
  }

  #report(err: unknown): void {
    if (this.options.onError) return this.options.onError(err);
    if (this.#errorLogged) return;
    this.#errorLogged = true;
    console.error('cobrowse-rtc capture:', err);
  }

  #snapshot(restarts = 0): void {
    const e = this.#encoder;
    e.begin(FrameKind.Snapshot, this.#seqNo);
    e.meta(documentURL(this.document));
    e.tree(0, 0);
    this.#serializer.slices = this.#slices = new SnapshotSlices(this.#sliceParts, restarts, this.document);
    this.#serializer.begin(this.document, false);
    this.#slice(this.#slices);
  }

  /** Writes one slice of the snapshot; the last one sends it, then a delta of what changed meanwhile. */
  #slice(slices: SnapshotSlices): void {
    if (this.#slices !== slices) return; // stopped
    const queue = this.#queue;
    const records = this.#observer.takeRecords();
    this.#trees.noteDetached(records);
    for (const r of records) queue.push(r);
    try {
      if (!slices.consistent(queue)) return this.#restart(slices.restarts + 1);
      if (!this.#serializer.resume(true, slices.deadline())) {
        this.onSlice?.(slices.elements, slices.total);
        return void nextTask().then(() => this.#slice(slices));
      }
      this.#watchers.snapshot();
    } catch (err) {
      this.#report(err);
      // a bug again and again: no snapshot rather than a loop
      return this.#restart(slices.restarts < MAX_RESTARTS ? slices.restarts + 1 : -1);
    }
    this.#endSlices();
    this.#started = true;
    this.#emit(this.#encoder.finish());
    this.#flush(false); // what changed meanwhile, for every viewer (nothing is sent when nothing did)
  }

  /** The snapshot in progress cannot stay consistent: what changed goes out as a delta, then it starts over. */
  #restart(restarts: number): void {
    this.#endSlices();
    this.#encoder.finish();
    this.#flush();
    if (restarts >= 0 && !this.#slices) this.#snapshot(restarts);
  }

  #endSlices(): void {
    this.#serializer.slices = this.#slices = null;
  }

  /** `sameStart`: see DeltaBuilder.build (false for the changes held while a snapshot was written in slices). */
  #flush(sameStart = true): void {
    this.#scheduled = false;
    this.#flushes++;
    if (this.#stopped || this.#slices) return; // held while a snapshot is written: sent right after it
    const records = this.#queue;
    this.#queue = [];
    for (const r of this.#observer.takeRecords()) records.push(r);
    const e = this.#encoder;
    e.begin(FrameKind.Delta, this.#seqNo + 1);
    try {
      this.#delta.build(records, sameStart);
      this.#trees.written();
      this.#watchers.flush();
    } catch (err) {
      // a bug here must not break the page; the viewer is brought back in step with a snapshot
      e.finish();
      this.#report(err);
      this.#snapshot();
      return;
    }
    if (e.opCount === 0 || !this.#started) {
      e.finish();
      return;
    }
    this.#seqNo++;
    this.#sentAt = performance.now();
    this.#emit(e.finish());
  }
}
