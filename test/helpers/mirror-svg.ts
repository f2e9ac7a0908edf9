// What the SVG mirror tests share (mirror-svg-use, mirror-svg-paint): a mirror 600 px high at scale 1
// with its sharer, and a render that lays the mirror out and paints it (where a crash or a hang happens).
import { Mirror } from '../../src/mirror/index.js';
import { nextFrame, sleep } from './mirror-assert.js';
import { Sharer, mount } from './mirror-frames.js';

export function setup(): { m: Mirror; s: Sharer; done: () => void } {
  const c = mount();
  c.style.height = '600px';
  const m = new Mirror(c, { scale: 1 });
  return {
    m,
    s: new Sharer(),
    done: () => {
      m.destroy();
      c.remove();
    },
  };
}

/** Lays the mirror out and paints it twice (where a crash or a hang would happen). */
export async function render(m: Mirror): Promise<void> {
  // a large snapshot is applied over several tasks (slices.ts)
  for (let i = 0; m.building && i < 3000; i++) await sleep(10);
  m.document!.documentElement.getBoundingClientRect();
  await nextFrame();
  await nextFrame();
}
