/**
 * A tiny typed event emitter for sessions. `on` returns its own unsubscribe function, so a caller
 * never needs to keep the listener around to remove it. A listener that throws is reported to the
 * console and does not stop the others: one broken UI handler must not end a co-browse session.
 */
/** An emitter's `emit`, handed to the parts of a session that report through the session's events. */
export type Emit<Events extends object> = <K extends keyof Events>(type: K, detail: Events[K]) => void;

export class Emitter<Events extends object> {
  #listeners = new Map<keyof Events, Set<(detail: never) => void>>();

  on<K extends keyof Events>(type: K, listener: (detail: Events[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as (detail: never) => void);
    return () => set.delete(listener as (detail: never) => void);
  }

  protected emit<K extends keyof Events>(type: K, detail: Events[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (detail: Events[K]) => void)(detail);
      } catch (error) {
        console.error(`cobrowse-rtc: a '${String(type)}' listener threw`, error);
      }
    }
  }
}

/**
 * A promise with its settle functions, for "resolves when connected, rejects if it ends first".
 * Rejections are pre-handled: not every caller awaits it, and an unawaited rejection must not
 * surface as an unhandled error in the host page.
 */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (reason: Error) => void } {
  let resolve!: () => void;
  let reject!: (reason: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
