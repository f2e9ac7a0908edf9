// The whole demo, as two people use it (issue 5): chat → invite → consent (it names the agent and
// shows the agent's code, issue 12; nothing is shared before the click) → view → cursors and
// clicks both ways → a screenshot of the agent's view compared with the customer's page → navigate
// → stop. The agent's viewer runs at 1:1 so the two pictures can be compared pixel for pixel.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { approveTheAgent, converge, openDemo, until } from './flow.mjs';
import { decodePng, diffPixels } from '../helpers/png.mjs';

const CUSTOMER = { width: 900, height: 700 };

describe('the demo, end to end, with the elements', () => {
  let t;
  before(async () => {
    t = await openDemo({ viewports: { 'customer.html': CUSTOMER, 'agent.html': { width: 1400, height: 1100 } } });
    await approveTheAgent(t);
    await t.agent.evaluate(() => document.querySelector('cobrowse-viewer').setAttribute('scale', 'actual'));
    await converge(t, 'the first page');
  });
  after(async () => t?.close());

  /** The mirror's iframe box in the agent's page (inside <cobrowse-viewer>'s shadow root). */
  const mirrorBox = () => t.agent.locator('cobrowse-viewer iframe').boundingBox();

  it("the agent's view looks like the customer's page; masked fields are masked in it", async () => {
    await t.customer.fill('input[name=card]', '4111 1111 1111 1111');
    await t.customer.fill('input[name=name]', 'Hanako Yamada');
    await t.customer.locator('input[name=card]').scrollIntoViewIfNeeded();
    await converge(t, 'the form to arrive');
    // the chat widget is the customer's own UI, never captured: out of the customer's picture too
    await t.customer.evaluate(() => (document.querySelector('.chat-widget').style.visibility = 'hidden'));
    await t.customer.mouse.move(CUSTOMER.width - 10, CUSTOMER.height - 10);
    await new Promise((r) => setTimeout(r, 300));
    const box = await mirrorBox();
    assert.deepEqual([Math.round(box.width), Math.round(box.height)], [CUSTOMER.width, CUSTOMER.height], 'the view is 1:1');
    const [shot, view] = await Promise.all([t.customer.screenshot(), t.agent.screenshot({ clip: box })]);
    if (process.env.E2E_SHOTS) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env.E2E_SHOTS}/customer.png`, shot);
      writeFileSync(`${process.env.E2E_SHOTS}/agent.png`, view);
    }
    const a = decodePng(shot);
    const b = decodePng(view);
    // masked and blocked areas differ on purpose: compared on their own; the rest must match
    const masked = await t.customer.evaluate(() =>
      [
        ...document.querySelectorAll(
          '#address, [data-cobrowse-block], [data-cobrowse-mask], input[type=password], input[name=card], input[type=email]',
        ),
      ].map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    masked.push({ x: CUSTOMER.width - 30, y: CUSTOMER.height - 30, width: 30, height: 30 }); // the customer's pointer, parked in the corner
    const crop = (img, r) => {
      const x0 = Math.max(0, Math.floor(r.x)),
        y0 = Math.max(0, Math.floor(r.y));
      const w = Math.min(img.width - x0, Math.ceil(r.width)),
        h = Math.min(img.height - y0, Math.ceil(r.height));
      const data = Buffer.alloc(w * h * 4);
      for (let y = 0; y < h; y++) img.data.copy(data, y * w * 4, ((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + w) * 4);
      return { width: w, height: h, data };
    };
    const card = await t.customer.locator('input[name=card]').boundingBox();
    const cardDiff = diffPixels(crop(a, card), crop(b, card));
    for (const r of masked) {
      const x0 = Math.max(0, Math.floor(r.x)),
        y0 = Math.max(0, Math.floor(r.y));
      for (let y = y0; y < Math.min(a.height, Math.ceil(r.y + r.height)); y++) {
        for (let x = x0; x < Math.min(a.width, Math.ceil(r.x + r.width)); x++)
          b.data.copy(a.data, (y * a.width + x) * 4, (y * b.width + x) * 4, (y * b.width + x) * 4 + 4);
      }
    }
    const rest = diffPixels(a, b);
    console.log(
      `screenshots: ${(rest.ratio * 100).toFixed(2)}% of the unmasked pixels differ (${rest.count}); card field: ${cardDiff.count} px differ`,
    );
    assert.ok(rest.ratio < 0.01, `the pictures differ in ${(rest.ratio * 100).toFixed(2)}% of pixels (box ${JSON.stringify(rest.box)})`);
    assert.ok(cardDiff.count > 20, 'the card number is not what the agent sees');
    const cardValue = await t.agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=card]').value);
    assert.match(cardValue, /^•+$/);
    await t.customer.evaluate(() => (document.querySelector('.chat-widget').style.visibility = ''));
  });

  it("the customer's cursor and clicks show in the agent's view", async () => {
    await t.customer.mouse.move(300, 200);
    await until(
      () =>
        t.agent.evaluate(
          () => document.querySelector('cobrowse-viewer').shadowRoot.querySelector('[data-cobrowse-cursor]')?.style.transform,
        ),
      "the customer's cursor in the agent's view",
    );
    await until(async () => {
      const transform = await t.agent.evaluate(
        () => document.querySelector('cobrowse-viewer').shadowRoot.querySelector('[data-cobrowse-cursor]').style.transform,
      );
      const [x, y] = transform.match(/-?[\d.]+/g).map(Number);
      return Math.abs(x - 300) <= 2 && Math.abs(y - 200) <= 2;
    }, 'the cursor at the customer position (1:1)');
    await t.customer.mouse.click(300, 200);
    await until(
      () => t.agent.evaluate(() => !!document.querySelector('cobrowse-viewer').shadowRoot.querySelector('[data-cobrowse-ripple]')),
      "the customer's click as a ripple in the agent's view",
    );
  });

  it("the agent's cursor and clicks show on the customer's page, and never click it", async () => {
    await t.customer.evaluate(() => {
      window.__clicks = 0;
      document.addEventListener('click', () => window.__clicks++, true);
    });
    const box = await mirrorBox();
    await t.agent.mouse.move(box.x + 150, box.y + 120);
    await t.agent.mouse.move(box.x + 160, box.y + 130);
    await until(async () => {
      const transform = await t.customer.evaluate(
        () => document.querySelector('cobrowse-annotations')?.shadowRoot.querySelector('[part~=cursor]')?.style.transform ?? '',
      );
      const m = transform.match(/-?[\d.]+/g)?.map(Number);
      return m && Math.abs(m[0] - 160) <= 3 && Math.abs(m[1] - 130) <= 3;
    }, "the agent's cursor on the customer's page");
    await t.agent.mouse.click(box.x + 160, box.y + 130);
    await until(
      () => t.customer.evaluate(() => !!document.querySelector('cobrowse-annotations').shadowRoot.querySelector('[part~=ripple]')),
      "the agent's click as a ripple on the customer's page",
    );
    assert.equal(await t.customer.evaluate(() => window.__clicks), 0, 'an annotation, not a click on the page');
    // the overlay never takes the customer's clicks
    const under = await t.customer.evaluate(() => document.elementFromPoint(160, 130)?.closest('cobrowse-annotations'));
    assert.equal(under, null);
  });

  it('follows the customer to another page, then the customer stops', async () => {
    await t.customer.click('#guide-link');
    await t.customer.waitForURL(/guide\.html$/);
    await converge(t, 'the guide page');
    await t.customer.locator('cobrowse-sharing-banner [part~=stop]').click();
    await until(() => t.agent.evaluate(() => document.querySelector('cobrowse-viewer').state === 'ended'), 'the agent side to end');
    const message = await t.agent.locator('cobrowse-viewer [part=message]').textContent();
    assert.match(message, /The customer ended the co-browse session/, `the agent is told why: ${message}`);
    assert.deepEqual(t.pageErrors, []);
  });
});
