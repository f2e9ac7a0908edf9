// The demo flow for end-to-end tests: the demo server (signaling included), one Chromium, a
// customer and an agent in two browser contexts, and the steps a person takes.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../find-chrome.mjs';
import { startDemo } from '../../demo/server.mjs';
import { DUMP_SOURCE, diffDumps } from './dump.mjs';

// the demo's mask rules (demo/chat-widget.js) and the default sensitive fields: compared by tag only
const SENSITIVE = 'input[type=password], input[autocomplete^=cc-], input[type=email]';
const MASKED_SHARER = `#address, [data-cobrowse-mask], [data-cobrowse-block], ${SENSITIVE}`;
const MASKED_MIRROR = `#address, [data-cobrowse-mask], [data-cobrowse-blocked], ${SENSITIVE}`;

/** Polls `fn` (async) until it returns a truthy value; fails with `what` after `ms`. */
export async function until(fn, what, ms = 15_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts the demo and a browser; `customer` and `agent` pages, each in its own context.
 * Options: `demo` (startDemo options), `initScript` (runs in every page before its own scripts),
 * `viewports` (by path, e.g. `{ 'agent.html': { width: 1400, height: 1000 } }`).
 */
export async function openDemo(options = {}) {
  const log = process.env.E2E_LOG ? (line) => console.error(`[signaling] ${line}`) : () => {};
  const demo = await startDemo({ port: 0, signalingPort: 0, log, ...options.demo });
  const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
  const pageErrors = [];
  const open = async (path) => {
    const viewport = options.viewports?.[path] ?? { width: 1100, height: 800 };
    const context = await browser.newContext({ viewport });
    if (options.initScript) await context.addInitScript(options.initScript);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${path}: ${err.message}`));
    await page.goto(demo.url + path);
    return page;
  };
  // `customer: false`: the test brings its own customer (another engine, say)
  const customer = options.customer === false ? null : await open('customer.html');
  const agent = await open('agent.html');
  const extra = [];
  return {
    demo,
    browser,
    customer,
    agent,
    pageErrors,
    /** Another page in its own context (another agent, say), closed with the rest. */
    async open(path) {
      const page = await open(path);
      extra.push(page);
      return page;
    },
    async close() {
      // close peer connections first: coturn keeps allocations of vanished peers for minutes
      for (const page of [customer, agent, ...extra].filter(Boolean))
        await page.evaluate(() => window.cobrowseViewing?.stop() ?? window.cobrowseSharing?.stop()).catch(() => {});
      await browser.close();
      await demo.close();
    },
  };
}

/** The customer's chat is online; the agent opens it and asks to see the page (nothing answered yet). */
export async function askToSee({ customer, agent }) {
  await until(
    () =>
      customer
        .locator('#chat-state')
        .textContent()
        .then((t) => t === 'online'),
    'the customer chat',
  );
  await agent.locator('#rooms button').first().click({ timeout: 15_000 });
  await agent.locator('#chat').waitFor({ state: 'visible' });
  await agent.click('#invite');
}

/** The customer chats, the agent opens the chat, asks, the customer allows: the agent sees the page. */
export async function startCobrowse({ customer, agent }) {
  await askToSee({ customer, agent });
  await customer.locator('cobrowse-consent [part~=allow]').waitFor({ state: 'visible' });
  await customer.locator('cobrowse-consent [part~=allow]').click();
  await until(() => agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent to see the page');
}

/** Records every RTCPeerConnection a page makes in `window.__pcs` (pass as `initScript`), so a test can cut them. */
export const RECORD_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config) { super(config); window.__pcs.push(this); }
  };
})()`;

/** Dumps both sides until they agree (the shop has a ticking clock); fails with the differences. */
export async function converge({ customer, agent }, what, ms = 20_000) {
  let diff = [];
  await until(
    async () => {
      const url = await customer.evaluate(() => location.href);
      const [s, m] = await Promise.all([
        customer.evaluate(`(${DUMP_SOURCE})(document, ${JSON.stringify(url)}, ${JSON.stringify(MASKED_SHARER)}, '[data-cobrowse-ignore]')`),
        agent.evaluate(
          `window.cobrowseViewing.state === 'connected' && (${DUMP_SOURCE})(window.cobrowseViewing.mirror.document, ${JSON.stringify(url)}, ${JSON.stringify(MASKED_MIRROR)})`,
        ),
      ]);
      if (!m) return false;
      diff = diffDumps(s, m, 40);
      return diff.length === 0;
    },
    what,
    ms,
  ).catch((err) => {
    err.message += `\n${diff.slice(0, 20).join('\n')}`;
    throw err;
  });
}

/** Chat, invite; the consent opens once the agent's browser is there, with its name and code; Allow. */
export async function approveTheAgent({ customer, agent }) {
  await askToSee({ customer, agent });
  const allow = customer.locator('cobrowse-consent [part~=allow]');
  await allow.waitFor({ state: 'visible' });
  const title = await customer.locator('cobrowse-consent [part~=title]').textContent();
  assert.equal(title, 'Alice (agent) wants to see this page', 'the name the chat server gave the agent');
  const agentCode = await until(
    () =>
      agent
        .locator('cobrowse-viewer [part=code]')
        .textContent()
        .then((c) => /^\d{6}$/.test(c) && c),
    "the agent's code",
  );
  const shown = await customer.locator('cobrowse-consent [part~=code]').textContent();
  assert.equal(shown.replace(' ', ''), agentCode, 'the customer is shown the code the agent sees');
  assert.match(await agent.locator('cobrowse-viewer [part=message]').textContent(), /Waiting for the customer to approve/);
  assert.deepEqual(await customer.evaluate(() => window.cobrowseSharing.viewerList), [], 'nothing shared before the click');
  await allow.click();
  await until(() => agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent to see the page');
}
