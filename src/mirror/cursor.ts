// The sharer's pointer, drawn in the viewer's page on top of the iframe (never inside the mirrored
// document: it must not disturb the page's layout, selectors or hover state).
//
// Smoothness: the sharer samples its pointer at ~30 Hz (capture/watchers/viewport/pointer.ts) and frames may
// arrive in bursts (a slow network hands over several at once). Writing each sample straight to the
// dot made it jump from sample to sample and, in a burst, wrote styles nobody ever saw. So a move only
// records the target; the dot's transform is written once per animation frame with the latest target,
// and a short linear transition (about one sample interval) carries the dot between samples, which a
// 60 Hz display shows as continuous motion instead of 30 hops a second.

/** About one sharer sample interval: long enough to bridge the gap, short enough not to lag visibly. */
export const CURSOR_EASE_MS = 40;

/** The dot: a saturated red no page uses for its own pointer. */
export const CURSOR_COLOR = 'rgb(229, 49, 47)';
/**
 * Seen on any page: a white ring (stands out on dark pages), a near-black ring outside it (stands
 * out on light ones), then a soft red glow that makes the dot findable at a glance on a busy page.
 */
export const CURSOR_HALO = '0 0 0 2px rgb(255, 255, 255), 0 0 0 4px rgba(0, 0, 0, 0.75), 0 0 10px 5px rgba(229, 49, 47, 0.45)';

export class CursorOverlay {
  readonly el: HTMLDivElement;
  #dot: HTMLDivElement;
  #target: { x: number; y: number } | null = null;
  #frame = 0;
  #shown = false;

  constructor(parent: HTMLElement) {
    this.el = document.createElement('div');
    this.el.setAttribute('data-cobrowse-mirror-overlay', '');
    Object.assign(this.el.style, { position: 'absolute', inset: '0', pointerEvents: 'none', overflow: 'hidden' });
    this.#dot = document.createElement('div');
    this.#dot.setAttribute('data-cobrowse-cursor', '');
    Object.assign(this.#dot.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      width: '14px',
      height: '14px',
      margin: '-7px 0 0 -7px',
      borderRadius: '50%',
      background: CURSOR_COLOR,
      boxShadow: CURSOR_HALO,
      display: 'none',
      willChange: 'transform',
    });
    this.el.appendChild(this.#dot);
    parent.appendChild(this.el);
  }

  /** Pointer at (x, y) in overlay px (already scaled). Drawn at the next animation frame. */
  move(x: number, y: number): void {
    if (!this.#shown) {
      // the first position is drawn at once and without easing: gliding in from (0, 0) would be a lie
      this.#shown = true;
      this.#dot.style.display = 'block';
      this.#write(x, y);
      if (!reducedMotion()) this.#dot.style.transition = `transform ${CURSOR_EASE_MS}ms linear`;
      return;
    }
    this.#target = { x, y };
    if (!this.#frame) this.#frame = requestAnimationFrame(() => this.#flush());
  }

  click(x: number, y: number): void {
    const r = document.createElement('div');
    r.setAttribute('data-cobrowse-ripple', '');
    Object.assign(r.style, {
      position: 'absolute',
      left: `${x - 16}px`,
      top: `${y - 16}px`,
      width: '32px',
      height: '32px',
      borderRadius: '50%',
      border: `3px solid ${CURSOR_COLOR}`,
      boxShadow: '0 0 0 2px rgb(255, 255, 255), inset 0 0 0 2px rgb(255, 255, 255)',
      boxSizing: 'border-box',
    });
    this.el.appendChild(r);
    const done = () => r.remove();
    if (typeof r.animate === 'function') {
      const a = r.animate(
        [
          { transform: 'scale(0.3)', opacity: 1 },
          { transform: 'scale(1.4)', opacity: 0 },
        ],
        { duration: 500 },
      );
      a.onfinish = done;
      a.oncancel = done;
    } else setTimeout(done, 500);
  }

  #flush(): void {
    this.#frame = 0;
    const t = this.#target;
    this.#target = null;
    if (t) this.#write(t.x, t.y);
  }

  #write(x: number, y: number): void {
    this.#dot.style.transform = `translate(${x}px, ${y}px)`;
  }
}

function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
