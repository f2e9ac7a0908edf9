// Remote control of a framework-built page, end to end (issue 16): two browser contexts, the reference
// server, the demo's agent console and chat widget, and a customer page of a site made for the test
// (fixtures/control-site.mjs): a React 19 order form with controlled fields, a Lit form field, a
// scrollable box, and a "Next step" that React renders from its state. The agent asks, the customer
// allows; the agent's real mouse and keyboard over its view type into the React field and the Lit
// field, pick a size, check a box, scroll, press the button: React's and Lit's own state hold what the
// agent did, and the customer's document and the agent's mirror agree.
// Then navigation: a same-origin link the agent clicks keeps its control on the next page (no new
// prompt, the banner says so again) and it types there; a link to another site is refused to the
// agent, and when the customer follows it, control ends and the agent is told why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { approveTheAgent, converge, openDemo, until } from './flow.mjs';
import { startControlSite } from './fixtures/control-site.mjs';

describe('remote control of a React and Lit page, and across its links', () => {
  let t;
  let site;
  let customer;
  before(async () => {
    t = await openDemo({ customer: false, viewports: { 'agent.html': { width: 1400, height: 1100 } } });
    site = await startControlSite({ signaling: t.demo.signaling });
    const context = await t.browser.newContext({ viewport: { width: 900, height: 700 } });
    customer = await context.newPage();
    customer.on('pageerror', (err) => t.pageErrors.push(`customer: ${err.message}`));
    await customer.goto(`${site.url}control-form.html`);
    t.customer = customer;
    await approveTheAgent(t);
    await t.agent.evaluate(() => document.querySelector('cobrowse-viewer').setAttribute('scale', 'actual'));
    // every control change the agent hears, with why
    await t.agent.evaluate(() => {
      window.__heard = [];
      window.cobrowseViewing.on('control', (c) => window.__heard.push(c.reason ? `${c.state}:${c.reason}` : c.state));
    });
    await converge(t, 'the order form');
  });
  after(async () => {
    await customer?.evaluate(() => window.cobrowseSharing?.stop()).catch(() => {});
    await t?.close();
    await site?.close();
  });

  /**
   * The agent's page point over the mirrored element at `path` (selectors, each one inside the
   * previous one's shadow root), once the agent's view shows it where the customer's page has it
   * (±1 px): a person aims at what they see, and the view may be a render behind for a moment.
   */
  async function over(...path) {
    const box = (sels, doc) => {
      let el = doc?.querySelector(sels[0]);
      for (const sel of sels.slice(1)) el = el?.shadowRoot?.querySelector(sel);
      const r = el?.getBoundingClientRect();
      return r?.width ? [r.left, r.top, r.width, r.height] : null;
    };
    const inPage = `(${box})`; // one function for both pages: Playwright passes values, not functions
    return until(
      async () => {
        const there = await customer.evaluate(([b, sels]) => eval(b)(sels, document), [inPage, path]);
        const here = await t.agent.evaluate(
          ([b, sels]) => {
            const frame = document.querySelector('cobrowse-viewer').shadowRoot.querySelector('iframe');
            const r = eval(b)(sels, frame.contentDocument);
            const f = frame.getBoundingClientRect();
            return r && { r, at: [f.left + r[0] + r[2] / 2, f.top + r[1] + r[3] / 2] };
          },
          [inPage, path],
        );
        return !!there && !!here && here.r.every((v, i) => Math.abs(v - there[i]) <= 1) && here.at;
      },
      `${path.join(' ▸ ')} in the agent's view, where the customer's page has it`,
    );
  }
  const onCustomer = (fn, arg) => customer.evaluate(fn, arg);
  const note = () => t.agent.locator('cobrowse-viewer [part~=control-note]').textContent();
  const heard = () => t.agent.evaluate(() => window.__heard);

  async function clickInView(...path) {
    const [x, y] = await over(...path);
    await t.agent.mouse.click(x, y);
    return [x, y];
  }

  it('the agent fills a React form and a Lit field, selects, checks, scrolls and presses Next step', async () => {
    await t.agent.locator('cobrowse-viewer [part=control-button]').click();
    const allow = customer.locator('cobrowse-sharing-banner [part~=allow-control]');
    await allow.waitFor({ state: 'visible' });
    await allow.click();
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.control === 'granted'), 'control granted');
    await customer.locator('cobrowse-sharing-banner [part~=take-back]').waitFor({ state: 'visible' });

    // React's controlled input: React must hear each key, or it renders its old state back
    await clickInView('#name');
    await until(() => onCustomer(() => document.activeElement?.id === 'name'), "the customer's React field focused");
    await t.agent.keyboard.type('Ann Tanaka');
    await until(() => onCustomer(() => document.getElementById('name-echo')?.textContent === 'Ann Tanaka'), 'React state holds the name');
    await t.agent.keyboard.press('Backspace');
    await t.agent.keyboard.press('Backspace');
    await t.agent.keyboard.type('ka-Ito');
    await until(
      () => onCustomer(() => document.getElementById('name-echo')?.textContent === 'Ann Tanaka-Ito'),
      'React state after editing keys',
    );

    // the Lit field: its input lives in the element's shadow root
    await clickInView('note-field', '#field');
    await until(
      () => onCustomer(() => document.querySelector('note-field')?.shadowRoot?.activeElement?.id === 'field'),
      "the Lit field's input focused",
    );
    await t.agent.keyboard.type('Happy birthday');
    await until(() => onCustomer(() => document.querySelector('note-field').value === 'Happy birthday'), 'the Lit property holds the text');

    // React's controlled select, by keys; the checkbox by a click
    await clickInView('#size');
    await until(() => onCustomer(() => document.activeElement?.id === 'size'), 'the select focused');
    await t.agent.keyboard.press('ArrowDown');
    await until(() => onCustomer(() => document.getElementById('size').value === '100 g bag'), 'the next size chosen');
    await clickInView('#gift');
    await until(() => onCustomer(() => document.getElementById('gift').checked), 'gift wrap checked').catch(async (e) => {
      throw new Error(
        `${e.message}; note: ${await note()}; active: ${await onCustomer(() => document.activeElement?.outerHTML.slice(0, 80))}`,
      );
    });

    // the wheel over the scrollable box scrolls the box
    const [bx, by] = await over('#notes');
    await t.agent.mouse.move(bx, by);
    await t.agent.mouse.wheel(0, 120);
    await until(async () => (await onCustomer(() => document.getElementById('notes').scrollTop)) > 0, 'the notes box scrolled');
    await converge(t, 'after the agent filled the form');

    // the button React re-renders the page from: the summary shows React's state
    await clickInView('#next-step');
    await until(() => onCustomer(() => !!document.getElementById('summary')), 'the summary rendered');
    const summary = await onCustomer(() => ({
      name: document.getElementById('summary-name').textContent,
      size: document.getElementById('summary-size').textContent,
      gift: document.getElementById('summary-gift').textContent,
      form: !!document.getElementById('order'),
      lit: [document.querySelector('note-field').value, document.querySelector('note-field').shadowRoot.getElementById('echo').textContent],
      scrolled: document.getElementById('notes').scrollTop > 0,
    }));
    assert.deepEqual(summary, {
      name: 'Ann Tanaka-Ito',
      size: '100 g bag',
      gift: 'Gift wrapped',
      form: false,
      lit: ['Happy birthday', 'Happy birthday'],
      scrolled: true,
    });
    await converge(t, 'the summary');
    assert.deepEqual(await heard(), ['asking', 'granted'], 'control held all along');
    assert.deepEqual(t.pageErrors, []);
  });

  it('a same-origin link the agent clicks keeps its control on the next page; it types there', async () => {
    const code = await t.agent.locator('cobrowse-viewer [part=code]').textContent();
    await Promise.all([customer.waitForURL((u) => u.pathname.endsWith('/control-next.html')), clickInView('#next-link')]);
    await until(() => onCustomer(() => window.cobrowseSharing?.state === 'connected'), 'the next page resumed the session');
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.control === 'granted'), 'control given back on the next page');
    assert.deepEqual(await heard(), ['asking', 'granted', 'none:navigation', 'granted'], 'ended with the page, given back by the next one');
    assert.equal(await customer.locator('cobrowse-consent [part~=allow]').count(), 0, 'no new consent');
    assert.equal(await customer.locator('cobrowse-sharing-banner [part~=allow-control]').count(), 0, 'no new control prompt');
    await customer.locator('cobrowse-sharing-banner [part~=take-back]').waitFor({ state: 'visible' });
    assert.equal(await onCustomer(() => window.cobrowseSharing.controller?.name), 'Alice (agent)');
    assert.equal(await t.agent.locator('cobrowse-viewer [part=code]').textContent(), code, 'the same session');
    await converge(t, 'the next page');

    await clickInView('#instructions');
    await until(() => onCustomer(() => document.activeElement?.id === 'instructions'), 'the field on the next page focused');
    await t.agent.keyboard.type('Leave at the door');
    await until(() => onCustomer(() => document.getElementById('instructions').value === 'Leave at the door'), 'typed on the next page');
    await converge(t, 'after typing on the next page');
  });

  it('a link to another site: refused to the agent; followed by the customer, it ends control and the agent is told why (navigation)', async () => {
    await clickInView('#away');
    await until(() => note().then((s) => s.includes('leads outside')), 'the refusal in words');
    assert.ok((await onCustomer(() => location.pathname)).endsWith('/control-next.html'), 'the agent did not leave the site');

    await Promise.all([customer.waitForURL((u) => u.href.startsWith(site.elsewhereUrl)), customer.click('#away')]);
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.control === 'none'), 'control ended');
    assert.deepEqual(await heard(), ['asking', 'granted', 'none:navigation', 'granted', 'none:navigation']);
    // the session API says why; the agent's element shows the view waiting for the page (it shows a
    // control note only while connected: the gap of the viewer element, reported with issue 16)
    assert.equal(await t.agent.evaluate(() => window.cobrowseViewing.state), 'reconnecting');
    assert.match(await t.agent.locator('cobrowse-viewer [part=state]').textContent(), /Reconnecting/);
    assert.equal(await t.agent.locator('cobrowse-viewer [part=control-button]').count(), 0, 'no control to use');
  });
});
