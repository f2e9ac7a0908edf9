// End to end, as a customer and an agent would use it: two browser contexts (two people, two
// machines' worth of state) in Debian's Chromium, the demo's pages, the real reference signaling
// server (chat + PeerJS relay) on 127.0.0.1, and a real WebRTC data channel between the contexts.
// chat → invite → consent → view → type, scroll → documents compared → masked data absent → stop.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { converge, openDemo, until } from './flow.mjs';

const CARD = '4111 1111 1111 1111';
const PASSWORD = 'hunter2-canary';

describe('co-browse through the reference server, two browser contexts', () => {
  let t;
  let customer;
  let agent;

  before(async () => {
    t = await openDemo();
    ({ customer, agent } = t);
  });

  after(async () => {
    await t?.close();
  });

  it('chats both ways', async () => {
    await until(
      () =>
        customer
          .locator('#chat-state')
          .textContent()
          .then((t) => t === 'online'),
      'the customer chat',
    );
    await customer.fill('#chat-input', 'Hello, my order will not go through');
    await customer.press('#chat-input', 'Enter');
    await agent.locator('#rooms button').first().click({ timeout: 15_000 });
    await until(
      () =>
        agent
          .locator('#log')
          .textContent()
          .then((t) => t.includes('my order will not go through')),
      'the agent to see the message',
    );
    await agent.fill('#input', 'Let me have a look at the page');
    await agent.press('#input', 'Enter');
    await until(
      () =>
        customer
          .locator('#chat-log')
          .textContent()
          .then((t) => t.includes('have a look')),
      'the customer to see the reply',
    );
  });

  it('shares nothing until the customer allows, then shows the page with the same code on both sides', async () => {
    await agent.click('#invite');
    await customer.locator('cobrowse-consent [part~=allow]').waitFor({ state: 'visible' });
    // the session is up (signaling only) and the agent is connected, but nothing is shared before Allow
    assert.deepEqual(await customer.evaluate(() => window.cobrowseSharing?.viewerList ?? []), [], 'no viewer before consent');
    await customer.locator('cobrowse-consent [part~=allow]').click();
    await until(() => agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent to see the page');
    const agentCode = await until(
      () =>
        agent
          .locator('cobrowse-viewer [part=code]')
          .textContent()
          .then((t) => /^\d{6}$/.test(t) && t),
      "the agent's code",
    );
    const customerCode = await until(
      () =>
        customer
          .locator('cobrowse-sharing-banner [part~=code]')
          .textContent()
          .then((t) => /^\d{6}$/.test(t.trim()) && t.trim()),
      "the customer's code",
    );
    assert.equal(agentCode, customerCode);
  });

  it('mirrors the lively page: structure, text, form state and scroll agree', async () => {
    await converge(t, 'the first snapshot to match');
    await customer.fill('input[name=name]', 'Hanako Yamada');
    await customer.fill('input[name=email]', 'hanako@example.jp');
    await customer.selectOption('select[name=shipping]', 'express');
    await customer.evaluate(() => window.scrollTo(0, 400));
    await converge(t, 'typing, a select and scrolling to follow');
    const scrolled = await agent.evaluate(() => window.cobrowseViewing.mirror.document.defaultView.scrollY);
    assert.equal(scrolled, 400);
    // elements removed as well as added: the cart re-renders its list (the "empty" line goes, items
    // come and go); the dump walks the whole tree, so an element the mirror failed to remove shows
    await customer.locator('button.add').nth(0).click();
    await customer.locator('button.add').nth(1).click();
    await customer.locator('#cart li button').first().click();
    assert.equal(await customer.locator('#cart li').count(), 1, 'one item left in the cart');
    await converge(t, 'the cart: items added and removed');
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
    assert.ok(!seen.includes('hanako@example.jp'), 'the email (masked by the demo rules) is not in the mirror');
    const cardShown = await agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=card]').value);
    assert.match(cardShown, /^•+$/);
  });

  it('ends for both when the agent ends the session', async () => {
    await agent.click('cobrowse-viewer [part=end-button]');
    await until(() => agent.evaluate(() => window.cobrowseViewing.state === 'ended'), 'the agent side to end');
    await until(() => customer.evaluate(() => window.cobrowseSharing.state === 'ended'), 'the customer side to end');
    await until(() => customer.locator('cobrowse-sharing-banner [part~=banner]').isHidden(), 'the sharing banner to go');
    assert.deepEqual(t.pageErrors, []);
  });
});
