// The agent's side never leaves anyone stuck (issue 17, items 1, 2 and 5): one co-browse request at
// a time, every refusal and ending said in plain words on both sides with a way forward, and the
// demo's chat list, widget and cart behaving like a product. Through the reference server, in two
// Chromium contexts; a screenshot of both sides at each step goes to test-results/agent-console/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openDemo, until } from './flow.mjs';

const SHOTS = 'test-results/agent-console';
const INVITE_TTL_MS = 2500;

describe('the agent console and the customer widget: no dead ends', () => {
  let t;
  let step = 0;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await openDemo({ demo: { limits: { inviteTtlMs: INVITE_TTL_MS } }, viewports: { 'agent.html': { width: 1400, height: 1000 } } });
    await until(() => t.customer.evaluate(() => document.querySelector('#chat-state')?.textContent === 'online'), 'the customer chat');
  });
  after(async () => t?.close());

  /** Both sides, as a reviewer would look at them. */
  const shoot = async (name) => {
    step++;
    await t.customer.screenshot({ path: `${SHOTS}/${String(step).padStart(2, '0')}-${name}-customer.png` });
    await t.agent.screenshot({ path: `${SHOTS}/${String(step).padStart(2, '0')}-${name}-agent.png` });
  };
  const agentLog = () => t.agent.locator('#log').textContent();
  const customerLog = () => t.customer.locator('#chat-log').textContent();
  const askState = () =>
    t.agent.evaluate(() => ({
      disabled: document.querySelector('#invite').disabled,
      label: document.querySelector('#invite').textContent,
      note: document.querySelector('#invite-note').textContent,
    }));
  const consents = () =>
    t.customer.evaluate(() => [...document.querySelectorAll('cobrowse-consent')].filter((c) => c.hasAttribute('open')).length);

  it('the chat list: the open chat is selected, with a time; Ask and Send work only with a chat open', async () => {
    await t.agent.locator('#rooms button').first().waitFor({ timeout: 15_000 });
    assert.equal(await t.agent.locator('#chat').isHidden(), true, 'no chat area before a chat is open');
    assert.match(await t.agent.locator('#rooms button time').first().textContent(), /^\d\d:\d\d:\d\d$/, 'the one clock format');
    await t.agent.locator('#rooms button').first().click();
    await t.agent.locator('#chat').waitFor({ state: 'visible' });
    await until(() => askState().then((s) => !s.disabled), 'Ask enabled once the chat is open');
    assert.equal(await t.agent.locator('#rooms button[aria-current=true]').count(), 1, 'the open chat is marked as selected');
    await shoot('chat-open');
  });

  it('a customer text in a chat that is not open shows as unread until it is opened', async () => {
    // a second customer, in their own tab and room
    const other = await t.open('customer.html');
    await until(() => other.evaluate(() => document.querySelector('#chat-state')?.textContent === 'online'), 'the second customer');
    await other.fill('#chat-input', 'hello, anyone?');
    await other.press('#chat-input', 'Enter');
    await until(
      () =>
        t.agent
          .locator('#rooms button.unread')
          .count()
          .then((n) => n === 1),
      'the unread marker',
      10_000,
    );
    assert.match(await t.agent.locator('#rooms button.unread').textContent(), /new message/, 'said in words, not colour alone');
    assert.equal(await t.agent.locator('#rooms button.unread[aria-current=true]').count(), 0, 'the open chat is never unread');
    await shoot('unread');
    await other.close();
  });

  it('asking twice sends one request: Ask is disabled while it waits, and the server refuses a second one', async () => {
    // the customer's page is gone for a moment (no answer): the request waits
    const customerUrl = t.customer.url();
    await t.customer.goto('about:blank');
    await t.agent.click('#invite');
    const waiting = await askState();
    assert.equal(waiting.disabled, true, 'Ask is disabled while the request waits');
    assert.match(waiting.note, /Waiting for the customer's answer/);
    // a second request by hand (another tab of the console, say): refused, said plainly
    await t.agent.evaluate(() => document.querySelector('#invite').click());
    await t.agent.evaluate(() => window.dispatchEvent(new Event('noop')));
    assert.doesNotMatch(await agentLog(), /already waiting/, 'the disabled button sent nothing');
    await shoot('asking');
    // unanswered: the request expires, the agent is told why and what to do, Ask comes back
    await until(() => agentLog().then((l) => /did not answer the co-browse request within a minute/.test(l)), 'the expiry', 15_000);
    assert.equal((await askState()).disabled, false, 'Ask is enabled again');
    await shoot('expired');
    await t.customer.goto(customerUrl);
    await until(() => t.customer.evaluate(() => document.querySelector('#chat-state')?.textContent === 'online'), 'the customer back');
  });

  it('a request withdrawn before the customer’s page could accept it: the customer is told, nothing waits for ever', async () => {
    // the customer's chat socket, routed: the request reaches the page only after the agent has
    // withdrawn it (a slow network), so the page's accept is refused by the server
    let holding = true;
    const held = [];
    let toPage = null;
    const typeOf = (m) => JSON.parse(String(m)).type;
    await t.customer.routeWebSocket(/\/chat/, (ws) => {
      const server = ws.connectToServer();
      toPage = ws;
      server.onMessage((m) => (holding && ['invite', 'end'].includes(typeOf(m)) ? held.push(m) : ws.send(m)));
      ws.onMessage((m) => server.send(m));
    });
    await t.customer.reload();
    await until(
      () => t.customer.evaluate(() => document.querySelector('#chat-state')?.textContent === 'online'),
      'the customer chat, routed',
    );
    await until(() => askState().then((s) => !s.disabled), 'Ask enabled');
    await t.agent.click('#invite');
    assert.equal(await t.agent.locator('#withdraw').isVisible(), true, 'Withdraw is offered while the request waits');
    await t.agent.click('#withdraw');
    await until(() => agentLog().then((l) => l.includes('You withdrew the co-browse request.')), 'the withdrawal');
    await until(() => held.length === 2, 'the invite and the end held back');
    // the late invite arrives; its end is still on the way
    toPage.send(held.find((m) => typeOf(m) === 'invite'));
    await until(
      () => customerLog().then((l) => l.includes('request was withdrawn before you answered')),
      "the customer told (the page's accept was refused)",
      10_000,
    );
    await until(() => t.customer.evaluate(() => window.cobrowseSharing?.state === 'ended'), 'no session left waiting');
    assert.equal(await t.customer.locator('cobrowse-share-button').isVisible(), true, 'the way forward: Share is offered again');
    assert.equal(await consents(), 0, 'no consent left open');
    holding = false;
    toPage.send(held.find((m) => typeOf(m) === 'end'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await consents(), 0, 'the late end changes nothing');
    await shoot('withdrawn');
  });

  it('Deny: the agent reads the element’s sentence, the customer reads theirs, both can start again', async () => {
    await t.agent.click('#invite');
    const deny = t.customer.locator('cobrowse-consent [part~=deny]');
    await deny.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await consents(), 1, 'one consent dialog');
    await shoot('consent');
    await deny.click();
    await until(() => agentLog().then((l) => l.includes('The customer did not allow you to see their page.')), 'the agent told');
    assert.doesNotMatch(await agentLog(), /\((remote-stopped|denied|stopped)\)/, 'no raw codes');
    await until(() => customerLog().then((l) => l.includes('You declined: nothing was shared.')), 'the customer told');
    await until(() => askState().then((s) => !s.disabled), 'Ask enabled again');
    await shoot('denied');
    // asking again: the old ending leaves the view, it must not read as the new answer
    await t.agent.click('#invite');
    await until(
      () =>
        t.agent
          .locator('cobrowse-viewer [part=message]')
          .textContent()
          .then((m) => !m.includes('did not allow')),
      'the view cleared',
    );
    const allow = t.customer.locator('cobrowse-consent [part~=allow]');
    await allow.waitFor({ state: 'visible', timeout: 15_000 });
    await allow.click();
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent to see the page');
    const live = await askState();
    assert.equal(live.disabled, true, 'Ask is disabled while a session is on');
    assert.match(live.note, /A co-browse session is on/);
    await shoot('live');
  });

  it('the customer ends it: both sides say so in words, the customer-started share is logged on the agent side', async () => {
    await t.customer.locator('cobrowse-sharing-banner [part~=stop]').click();
    await until(() => agentLog().then((l) => l.includes('The customer ended the co-browse session.')), 'the agent told').catch(
      async (err) => {
        err.message += `\nagent's log: ${await agentLog()}`;
        throw err;
      },
    );
    await until(() => customerLog().then((l) => l.includes('You stopped sharing your screen.')), 'the customer told');
    await until(() => askState().then((s) => !s.disabled), 'Ask enabled again');
    // now the customer offers
    await t.customer.locator('cobrowse-share-button').click();
    await until(
      () => agentLog().then((l) => l.includes('The customer started a co-browse session: asking to join…')),
      'logged on the agent side',
    );
    await t.customer.locator('cobrowse-consent [part~=allow]').click({ timeout: 15_000 });
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent to see the page');
    await shoot('customer-started');
    await t.agent.locator('cobrowse-viewer [part=end-button]').click();
    await until(() => agentLog().then((l) => l.includes('You ended the co-browse session.')), 'the agent ending it, in words');
    await until(() => customerLog().then((l) => l.includes('The agent ended the co-browse session.')), 'the customer told');
  });

  it('the customer widget minimises to its header and opens again; the cart page agrees with the shop’s header', async () => {
    const box = () => t.customer.locator('.chat-widget').boundingBox();
    const open = await box();
    await t.customer.click('#chat-minimise');
    const small = await box();
    assert.ok(small.height < 60 && small.height < open.height / 3, `minimised: ${small.height}px of ${open.height}px`);
    assert.equal(await t.customer.locator('#chat-minimise').getAttribute('aria-expanded'), 'false');
    await shoot('minimised');
    await t.customer.click('#chat-minimise');
    assert.ok((await box()).height > 100, 'open again');
    // two teas in the cart on the shop page; the cart page shows the same two, and the same count
    await t.customer.locator('.product button.add').nth(0).click();
    await t.customer.locator('.product button.add').nth(1).click();
    await t.customer.locator('.product button.add').nth(1).click();
    const count = await t.customer.locator('#cart-count').textContent();
    await Promise.all([t.customer.waitForURL(/cart\.html$/), t.customer.click('#cart-link')]);
    assert.equal(await t.customer.locator('#cart-count').textContent(), count, 'the header agrees');
    assert.equal(await t.customer.locator('#cart-rows tr').count(), 2);
    assert.match(await t.customer.locator('#clock').textContent(), /^\d\d:\d\d:\d\d$/, 'the same clock format');
    await shoot('cart');
  });
});
