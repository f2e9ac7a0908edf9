// A Next.js-style news page: `<img loading="lazy" width="150" height="84">` in flex rows far below the
// fold. The customer's browser has not loaded them, so each row lays its image out narrower (an image
// with no picture yet has no minimum width: it shrinks with the row) and shorter (`height: auto`). The
// mirror runs without scripts, where the HTML standard has no lazy loading: it loaded them all at once,
// and every section below sat lower in the agent's view. The mirror must show what the customer's page
// shows: an image not loaded there is not loaded in the mirror either, until it loads there.
// Compared by element boxes (test/helpers/boxes.ts) as well as by DOM.
import { afterEach, assert, assertEqual, describe, it } from './helpers/assert.js';
import { assertNoDiffs } from './helpers/assert.js';
import { boxDiffs } from './helpers/boxes.js';
import { skipIn } from './helpers/engine.js';
import { cleanup, createSharer, mirrorOf, startSession, waitFor, waitMirrorLinks, type Sharer } from './helpers/harness.js';

afterEach(cleanup);

const IMAGE = '/test/fixtures/lazy-news-150x84.png';

function newsPage(token: string, rows = 3): string {
  const row = (n: number) =>
    `<section class="row" id="row${n}"><img id="img${n}" alt="" loading="lazy" width="150" height="84" decoding="async" ` +
    `src="${IMAGE}?row=${n}&t=${token}"><p>Story ${n}: a headline long enough to fill the row and share it with the picture</p></section>`;
  return `<!DOCTYPE html><html><head><style>
    body { margin: 8px; font: 14px/1.4 sans-serif }
    .row { display: flex; gap: 8px; width: 300px; margin: 0 0 8px }
    .row img { height: auto; color: transparent }
    .row p { margin: 0 }
  </style></head><body><div id="hero" style="height:6000px">top story</div>
  ${Array.from({ length: rows }, (_, i) => row(i + 1)).join('')}<footer id="after">more stories</footer></body></html>`;
}

/** The news page in a sharer frame, its images checked not loaded (the case needs them so). */
async function newsSharer() {
  const sharer = await createSharer({ html: newsPage(`${Date.now()}-${Math.random()}`) });
  const imgs = Array.from(sharer.doc.querySelectorAll('img'));
  assertEqual(
    imgs.map((i) => i.complete),
    [false, false, false],
    'the customer has not loaded the images',
  );
  return { sharer, imgs };
}

/** The customer scrolls down: the browser loads the images. */
async function customerScrollsToImages(sharer: Sharer, imgs: HTMLImageElement[]): Promise<void> {
  sharer.win.scrollTo(0, 5900);
  await waitFor(() => imgs.every((i) => i.complete && i.naturalWidth === 150), 10_000, 'the customer loaded the images');
  assert(imgs[0]!.getBoundingClientRect().width > 149, 'a loaded image keeps its width');
}

describe('fidelity: lazy images the customer has not loaded', () => {
  it('a Firefox customer: an image not loaded yet is laid out at its attributes, so the mirror loads it at once and the boxes agree', async function () {
    if (!('mozInnerScreenX' in window)) this.skip(); // Chromium and WebKit shrink it: the next test
    const { sharer, imgs } = await newsSharer();
    assert(imgs[0]!.getBoundingClientRect().width > 149, 'full size before it loads');
    const s = await startSession(sharer);
    await waitMirrorLinks(s);
    await waitFor(() => boxDiffs(s).length === 0, 3000).catch(() => undefined);
    assertNoDiffs(boxDiffs(s), 'boxes while the customer has not loaded the images');
    assertEqual(
      imgs.map((i) => mirrorOf(s, i)!.hasAttribute('src')),
      [true, true, true],
      'not held back',
    );
  });

  it('lay out as on the customer page: the mirror does not load them either', async function () {
    await skipIn(
      this,
      'Firefox',
      'Firefox lays an image not loaded yet out at its width attribute (150 px): nothing to hold back (the test above)',
    );
    const { sharer, imgs } = await newsSharer();
    const width = imgs[0]!.getBoundingClientRect().width;
    assert(width < 149, `an image without its picture shrinks with its row (${width} px)`);
    const s = await startSession(sharer);
    await waitMirrorLinks(s);
    // DOM and state: equal except the sources the mirror holds back
    await s.expectSame('news page, images not loaded by the customer', { skip: (n) => imgs.includes(n as HTMLImageElement) });
    assertNoDiffs(boxDiffs(s), 'boxes while the customer has not loaded the images');
    assertEqual(
      imgs.map((i) => mirrorOf(s, i)!.hasAttribute('src')),
      [false, false, false],
      'the mirror has not asked for them',
    );
    await customerScrollsToImages(sharer, imgs);
    await waitMirrorLinks(s);
    await waitFor(() => boxDiffs(s).length === 0, 3000).catch(() => undefined);
    assertNoDiffs(boxDiffs(s), 'boxes once the customer loaded the images');
  });

  it('load in the mirror once they have loaded on the customer page (a src changed meanwhile too)', async () => {
    const { sharer, imgs } = await newsSharer();
    const s = await startSession(sharer);
    // the page swaps a source before the image loaded (a responsive image picking another size)
    imgs[2]!.src = `${IMAGE}?row=3b&t=${Date.now()}`;
    await s.settle();
    await customerScrollsToImages(sharer, imgs);
    await waitMirrorLinks(s);
    await waitFor(() => boxDiffs(s).length === 0, 3000).catch(() => undefined);
    await s.expectSame('images loaded by the customer');
    assertNoDiffs(boxDiffs(s), 'boxes once the customer loaded the images');
    assertEqual(
      imgs.map((i) => (mirrorOf(s, i) as HTMLImageElement).naturalWidth),
      [150, 150, 150],
      'the mirror shows the pictures now',
    );
  });
});
