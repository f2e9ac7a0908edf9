// End to end, as a customer and an agent would use it: two browser contexts (two people, two
// machines' worth of state) in Debian's Chromium, the demo's pages, the real reference signaling
// server (chat + PeerJS relay) on 127.0.0.1, and a real WebRTC data channel between the contexts.
// chat → invite → consent → view → type, scroll → documents compared → masked data absent → stop.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../find-chrome.mjs';
import { startDemo } from '../../demo/server.mjs';
import { DUMP_SOURCE, diffDumps } from './dump.mjs';

const CARD = '4111 1111 1111 1111';
const PASSWORD = 'hunter2-canary';
// the demo's mask rules (demo/chat-widget.js): #address text, data-cobrowse-mask, blocked saved cards
const MASKED_SHARER = '#address, [data-cobrowse-mask], [data-cobrowse-block]';
const MASKED_MIRROR = '#address, [data-cobrowse-mask], [data-cobrowse-blocked]';

/** Polls `fn` (async) until it returns a truthy value; fails with `what` after `ms`. */
async function until(fn, what, ms = 15_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('co-browse through the reference server, two browser contexts', () => {
  let demo;
  let browser;
  let customer;
  let agent;
  const pageErrors = [];

  before(async () => {
    demo = await startDemo({ port: 0, signalingPort: 0, log: () => {} });
    browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
    const open = async (path) => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`${path}: ${err.message}`));
      await page.goto(demo.url + path);
      return page;
    };
    customer = await open('customer.html');
    agent = await open('agent.html');
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('chats both ways', async () => {
    await until(() => customer.locator('#chat-state').textContent().then((t) => t === 'online'), 'the customer chat');
    await customer.fill('#chat-input', 'Hello, my order will not go through');
    await customer.press('#chat-input', 'Enter');
    await agent.locator('#rooms button').first().click({ timeout: 15_000 });
    await until(() => agent.locator('#log').textContent().then((t) => t.includes('my order will not go through')), 'the agent to see the message');
    await agent.fill('#input', 'Let me have a look at the page');
    await agent.press('#input', 'Enter');
    await until(() => customer.locator('#chat-log').textContent().then((t) => t.includes('have a look')), 'the customer to see the reply');
  });

  it('shares nothing until the customer allows, then shows the page with the same code on both sides', async () => {
    await agent.click('#invite');
    await customer.locator('#chat-consent').waitFor({ state: 'visible' });
    assert.equal(await customer.evaluate(() => typeof window.cobrowseSharing), 'undefined', 'no capture before consent');
    await customer.click('#chat-allow');
    await until(() => agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent to see the page');
    const agentCode = await until(() => agent.locator('#sas').textContent().then((t) => /^\d{6}$/.test(t) && t), "the agent's code");
    const customerCode = await until(() => customer.locator('#chat-sas').textContent().then((t) => /^\d{6}$/.test(t) && t), "the customer's code");
    assert.equal(agentCode, customerCode);
  });

  /** Dumps both sides until they agree (the shop has a ticking clock); returns the last diff. */
  async function converge(what) {
    let diff = [];
    await until(async () => {
      const url = await customer.evaluate(() => location.href);
      const [s, m] = await Promise.all([
        customer.evaluate(`(${DUMP_SOURCE})(document, ${JSON.stringify(url)}, null, ${JSON.stringify(MASKED_SHARER)})`),
        agent.evaluate(`(${DUMP_SOURCE})(window.cobrowseViewing.mirror.document, ${JSON.stringify(url)}, window.cobrowseViewing.mirror, ${JSON.stringify(MASKED_MIRROR)})`),
      ]);
      // masked fields differ by design; checked separately
      const masked = (line) => line && /@value "•+"/.test(line);
      diff = diffDumps(s, m, 400).filter((_, i, all) => !(i % 2 === 0 && masked(all[i + 1])) && !(i % 2 === 1 && masked(all[i])));
      return diff.length === 0;
    }, `${what} (differences: ${diff.slice(0, 6).join(' | ')})`, 20_000).catch((err) => {
      err.message += `\n${diff.slice(0, 20).join('\n')}`;
      throw err;
    });
  }

  it('mirrors the lively page: structure, text, form state and scroll agree', async () => {
    await converge('the first snapshot to match');
    await customer.fill('input[name=name]', 'Hanako Yamada');
    await customer.fill('input[name=email]', 'hanako@example.jp');
    await customer.selectOption('select[name=shipping]', 'express');
    await customer.evaluate(() => window.scrollTo(0, 400));
    await converge('typing, a select and scrolling to follow');
    const scrolled = await agent.evaluate(() => window.cobrowseViewing.mirror.document.defaultView.scrollY);
    assert.equal(scrolled, 400);
  });

  it('never shows the card number or the password to the agent', async () => {
    await customer.fill('input[name=card]', CARD);
    await customer.fill('input[name=password]', PASSWORD);
    await customer.fill('input[name=name]', 'Hanako Y.');
    await until(
      () => agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=name]').value === 'Hanako Y.'),
      'a change after the card to arrive',
    );
    const seen = await agent.evaluate(() => {
      const doc = window.cobrowseViewing.mirror.document;
      return doc.documentElement.outerHTML + [...doc.querySelectorAll('input')].map((i) => i.value).join('|');
    });
    assert.ok(!seen.includes('4111'), 'card digits are not in the mirror');
    assert.ok(!seen.includes(PASSWORD), 'the password is not in the mirror');
    const cardShown = await agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=card]').value);
    assert.match(cardShown, /^•+$/);
  });

  it('ends for both when the agent ends the session', async () => {
    await agent.click('#stop');
    await until(() => agent.evaluate(() => window.cobrowseViewing.state === 'ended'), 'the agent side to end');
    await until(() => customer.evaluate(() => window.cobrowseSharing.state === 'ended'), 'the customer side to end');
    await until(() => customer.locator('#chat-sharing').isHidden(), 'the sharing banner to go');
    assert.deepEqual(pageErrors, []);
  });
});
