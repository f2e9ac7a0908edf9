// Work in slices: a large snapshot is decoded, validated and built over several tasks (Mirror.apply),
// so the agent's page keeps handling input and rendering while the customer's page arrives.

/**
 * When and how finely a snapshot is sliced. Not public: tests and benches tune it.
 * - `minBytes`: a snapshot frame this large or larger is sliced. Frames run at about 16 bytes a node,
 *   so 64 KiB is about 4,000 nodes: ~20 ms to decode, validate and build whole on a slow machine
 *   (bench/apply.mjs: 10,000 nodes took 59 ms on a loaded 2-core box). Smaller ones apply at once,
 *   inside apply(), as every delta does: slicing them would only add a task's delay.
 * - `sliceMs`: the work done per task. Well under the 50 ms that make a long task, and short enough
 *   for the browser to handle a key or a click in between without a felt delay.
 */
export const slicing = { minBytes: 64 * 1024, sliceMs: 10 };

/**
 * Runs `steps` to their end, `slicing.sliceMs` of work per task. Between tasks it waits for a
 * MessageChannel message: not clamped like a nested setTimeout, nor throttled in a background tab.
 */
export class Slices {
  readonly #channel = new MessageChannel();
  #running = true;

  constructor(
    private readonly steps: Generator<void, void>,
    private readonly onFail: (err: unknown) => void,
  ) {
    this.#channel.port1.onmessage = () => this.#slice();
    this.#channel.port2.postMessage(0);
  }

  #slice(): void {
    const end = performance.now() + slicing.sliceMs;
    try {
      // stop() may come from inside a step (a callback that destroys the mirror or brings a new snapshot)
      while (this.#running) {
        if (this.steps.next().done) return this.stop();
        if (performance.now() >= end) return void (this.#running && this.#channel.port2.postMessage(0));
      }
    } catch (err) {
      this.stop();
      this.onFail(err);
    }
  }

  /** Stops for good (the steps are never resumed). */
  stop(): void {
    this.#running = false;
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}
