// Remote control end to end (issue 16): the demo, two browser contexts, the reference server. The
// agent asks from <cobrowse-viewer>, the customer allows in the banner; the agent's real mouse and
// keyboard over the view fill the checkout form on the customer's page (typing, a select by keys, a
// checkbox, scrolling); the card field refuses the agent; the customer takes control back with
// Escape. The customer's document and the agent's mirror agree afterwards; the audit log has it all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { approveTheAgent, converge, openDemo, until } from './flow.mjs';

describe('remote control through the reference server, two browser contexts', () => {
  let t;
  before(async () => {
    t = await openDemo({ viewports: { 'customer.html': { width: 900, height: 700 }, 'agent.html': { width: 1400, height: 1100 } } });
    await approveTheAgent(t);
    await t.agent.evaluate(() => document.querySelector('cobrowse-viewer').setAttribute('scale', 'actual'));
    await converge(t, 'the first page');
  });
  after(async () => t?.close());

  /** The agent's page point over the mirrored element `selector` (the view is 1:1). */
  async function over(selector) {
    return until(
      () =>
        t.agent.evaluate((sel) => {
          const frame = document.querySelector('cobrowse-viewer').shadowRoot.querySelector('iframe');
          const el = frame.contentDocument?.querySelector(sel);
          if (!el) return null;
          const f = frame.getBoundingClientRect();
          const r = el.getBoundingClientRect();
          return r.width ? [f.left + r.left + r.width / 2, f.top + r.top + r.height / 2] : null;
        }, selector),
      `${selector} in the agent's view`,
    );
  }
  const customerValue = (selector, prop = 'value') => t.customer.evaluate(([s, p]) => document.querySelector(s)?.[p], [selector, prop]);

  it('ask, allow, then the agent fills the form; the card field refuses it; Escape takes control back', async () => {
    await t.customer.locator('input[name=name]').scrollIntoViewIfNeeded();

    await converge(t, 'the form in view');
    await t.agent.locator('cobrowse-viewer [part=control-button]').click();
    const allow = t.customer.locator('cobrowse-sharing-banner [part~=allow-control]');
    await allow.waitFor({ state: 'visible' });
    assert.match(
      await t.customer.locator('cobrowse-sharing-banner [part~=control-request]').textContent(),
      /Alice \(agent\) wants to control this page/,
    );
    await allow.click();
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.control === 'granted'), 'control granted');
    await t.customer.locator('cobrowse-sharing-banner [part~=take-back]').waitFor({ state: 'visible' });
    // the chat widget (with the banner in it) is the customer's own UI over the page: the agent cannot
    // click through it (a click there is 'outside' the shared page), and the view does not show it
    await t.customer.evaluate(() => (document.querySelector('.chat-widget').style.visibility = 'hidden'));

    // typing into a field, through the customer's page's own input events
    const [nx, ny] = await over('input[name=name]');
    await t.agent.mouse.click(nx, ny);
    await until(() => t.customer.evaluate(() => document.activeElement?.name === 'name'), "the customer's name field focused");
    await t.agent.keyboard.type('Taro');
    await until(async () => (await customerValue('input[name=name]')) === 'Taro', 'the typed name on the customer’s page');

    // a checkbox by a click, a select by keys
    const [gx, gy] = await over('input[name=gift]');
    await t.agent.mouse.click(gx, gy);
    await until(() => customerValue('input[name=gift]', 'checked'), 'gift wrap checked');
    const before = await customerValue('select[name=shipping]');
    const [sx, sy] = await over('select[name=shipping]');
    await t.agent.mouse.click(sx, sy);
    await until(() => t.customer.evaluate(() => document.activeElement?.name === 'shipping'), "the customer's select focused").catch(
      async (e) => {
        throw new Error(
          `${e.message}: active ${await t.customer.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}; note ${await t.agent.locator('cobrowse-viewer [part~=control-note]').textContent()}`,
        );
      },
    );
    await t.agent.keyboard.press('ArrowDown');
    await until(async () => (await customerValue('select[name=shipping]')) !== before, 'another shipping option chosen');

    // the card field is the customer's alone
    const [cx, cy] = await over('input[name=card]');
    await t.agent.mouse.click(cx, cy);
    await until(
      () =>
        t.agent
          .locator('cobrowse-viewer [part~=control-note]')
          .textContent()
          .then((s) => s.includes('private to the customer')),
      'the refusal in words',
    );
    await t.agent.keyboard.type('4242');
    assert.equal(await customerValue('input[name=card]'), '', 'nothing typed into the card field');

    // the wheel scrolls the customer's page
    const y0 = await t.customer.evaluate(() => scrollY);
    await t.agent.mouse.move(nx, ny);
    await t.agent.mouse.wheel(0, 200);
    await until(async () => (await t.customer.evaluate(() => scrollY)) > y0, "the customer's page scrolled");
    await converge(t, 'after the agent’s changes');

    // the customer's Escape ends it
    await t.customer.keyboard.press('Escape');
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.control === 'none'), 'control taken back');
    assert.match(await t.agent.locator('cobrowse-viewer [part~=control-note]').textContent(), /took back control/);
  });
});
