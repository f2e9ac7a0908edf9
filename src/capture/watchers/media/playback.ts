// Media playback state (paused, time, rate, muted) of `<video>` and `<audio>`: at the snapshot, then
// after each media event. Media events do not bubble: a capture-phase listener on each root sees them.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { ELEMENT_NODE, localName, nodeType } from '../../../dom/safe-dom.js';
import { Watcher } from '../base.js';
import { innerTarget } from '../targets.js';

const MEDIA_EVENTS = ['play', 'pause', 'playing', 'seeked', 'ratechange', 'volumechange', 'ended', 'loadedmetadata'];

export class PlaybackWatcher extends Watcher {
  readonly tags = ['video', 'audio'];
  /** Elements to write at the next frame. */
  readonly #changed = new Set<HTMLMediaElement>();

  readonly #onMedia = (e: Event) => {
    const t = innerTarget(e) as Element | null;
    if (!t || nodeType(t) !== ELEMENT_NODE) return;
    const name = localName(t);
    if (name !== 'video' && name !== 'audio') return;
    this.#changed.add(t as HTMLMediaElement);
    this.request();
  };

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    for (const type of MEDIA_EVENTS) this.disposer.listen(root, type, this.#onMedia);
  }

  elementAdded(el: Element): void {
    this.#changed.add(el as HTMLMediaElement);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    this.#writeAll(c);
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    this.#writeAll(c);
  }

  override stop(): void {
    super.stop();
    this.#changed.clear();
  }

  #writeAll(c: CaptureContext): void {
    for (const el of this.#changed) {
      const id = c.id(el);
      if (id && !c.mask.isBlocked(el)) c.encoder.media(id, el.paused, el.currentTime, el.playbackRate, el.muted);
    }
    this.#changed.clear();
  }
}
