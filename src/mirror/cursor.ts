// The sharer's pointer, drawn in the viewer's page on top of the iframe (never inside the mirrored
// document: it must not disturb the page's layout, selectors or hover state).

export class CursorOverlay {
  readonly el: HTMLDivElement;
  private dot: HTMLDivElement;

  constructor(parent: HTMLElement) {
    this.el = document.createElement('div');
    this.el.setAttribute('data-cobrowse-mirror-overlay', '');
    Object.assign(this.el.style, { position: 'absolute', inset: '0', pointerEvents: 'none', overflow: 'hidden' });
    this.dot = document.createElement('div');
    Object.assign(this.dot.style, {
      position: 'absolute', left: '0', top: '0', width: '12px', height: '12px', margin: '-6px 0 0 -6px',
      borderRadius: '50%', background: 'rgba(230, 60, 60, 0.85)', boxShadow: '0 0 0 2px #fff',
      display: 'none', willChange: 'transform',
    });
    this.el.appendChild(this.dot);
    parent.appendChild(this.el);
  }

  /** Pointer at (x, y) in overlay px (already scaled). */
  move(x: number, y: number): void {
    this.dot.style.display = 'block';
    this.dot.style.transform = `translate(${x}px, ${y}px)`;
  }

  click(x: number, y: number): void {
    const r = document.createElement('div');
    Object.assign(r.style, {
      position: 'absolute', left: `${x - 16}px`, top: `${y - 16}px`, width: '32px', height: '32px',
      borderRadius: '50%', border: '2px solid rgba(230, 60, 60, 0.9)', boxSizing: 'border-box',
    });
    this.el.appendChild(r);
    const done = () => r.remove();
    if (typeof r.animate === 'function') {
      const a = r.animate([{ transform: 'scale(0.3)', opacity: 1 }, { transform: 'scale(1.4)', opacity: 0 }], { duration: 500 });
      a.onfinish = done;
      a.oncancel = done;
    } else setTimeout(done, 500);
  }
}
