// Resilience end to end, through the reference server: a connection that dies comes back without
// anyone's action (the viewer redials through the chat's PeerJS relay, the sharer answers under the
// resumption secret), and one sharer serves five agents in five browser contexts, one of whom
// vanishes, without disturbing the others. Times to converge are measured and printed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RECORD_CONNECTIONS, converge, openDemo, startCobrowse, until } from './flow.mjs';

describe('a lost connection comes back by itself', () => {
  let t;
  before(async () => {
    t = await openDemo({ initScript: RECORD_CONNECTIONS });
    await startCobrowse(t);
    await converge(t, 'the first page');
  });
  after(async () => t?.close());

  it('the agent sees what the customer did while the link was down, same code, no action', async () => {
    const code = await t.agent.locator('cobrowse-viewer [part=code]').textContent();
    await t.agent.evaluate(() => {
      window.__states = [];
      window.cobrowseViewing.on('state', (s) => window.__states.push(s.state));
    });
    const t0 = Date.now();
    // the network drops: every connection of the agent's page dies at once, no goodbye
    await t.agent.evaluate(() => window.__pcs.forEach((pc) => pc.close()));
    await t.customer.fill('input[name=name]', 'typed while the link was down');
    await t.customer.evaluate(() => window.scrollTo(0, 300));
    await until(() => t.agent.evaluate(() => window.__states.includes('reconnecting')), 'reconnecting');
    await converge(t, 'the agent to converge after the reconnection');
    const ms = Date.now() - t0;
    console.log(`connection cut → agent converged again: ${ms} ms`);
    assert.deepEqual(await t.agent.evaluate(() => window.__states), ['reconnecting', 'connected']);
    assert.equal(await t.agent.locator('cobrowse-viewer [part=code]').textContent(), code);
    assert.equal((await t.customer.locator('cobrowse-sharing-banner [part~=code]').textContent()).trim(), code);
    assert.equal(await t.customer.evaluate(() => window.cobrowseSharing.viewerList.length), 1);
    assert.deepEqual(t.pageErrors, []);
  });
});

describe('one customer, five agents', () => {
  let t;
  before(async () => {
    t = await openDemo();
  });
  after(async () => t?.close());

  it('each agent has its own code; one vanishing does not disturb the other four', async () => {
    const agents = [t.agent];
    for (let i = 0; i < 4; i++) agents.push(await t.open('agent.html'));
    await until(
      () =>
        t.customer
          .locator('#chat-state')
          .textContent()
          .then((s) => s === 'online'),
      'the customer chat',
    );
    for (const a of agents) {
      await a.locator('#rooms button').first().click({ timeout: 15_000 });
      await a.locator('#chat').waitFor({ state: 'visible' });
    }
    await t.agent.click('#invite');
    // each agent is its own approval (issue 12): the consent asks about them one after the other
    for (let i = 0; i < agents.length; i++) {
      await t.customer.locator('cobrowse-consent[open] [part~=allow]').click({ timeout: 20_000 });
      await until(() => t.customer.evaluate((n) => window.cobrowseSharing.viewerList.length === n, i + 1), `agent ${i + 1} approved`);
    }
    for (const a of agents)
      await until(() => a.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'every agent to see the page');
    const codes = await Promise.all(agents.map((a) => a.locator('cobrowse-viewer [part=code]').textContent()));
    assert.equal(new Set(codes).size, 5, `five channels, five codes: ${codes}`);
    const sharerCodes = await t.customer.evaluate(() => window.cobrowseSharing.viewerList.map((v) => v.sas));
    assert.deepEqual([...sharerCodes].sort(), [...codes].sort());
    for (const a of agents.slice(0, 4)) {
      await a.evaluate(() => {
        window.__states = [];
        window.cobrowseViewing.on('state', (s) => window.__states.push(s.state));
      });
    }
    // the fifth agent's browser goes away without a word
    await agents[4].context().close();
    await t.customer.fill('input[name=name]', 'after one agent left');
    for (const a of agents.slice(0, 4)) await converge({ customer: t.customer, agent: a }, 'each remaining agent to follow');
    for (const a of agents.slice(0, 4)) assert.deepEqual(await a.evaluate(() => window.__states), [], 'never disturbed');
  });
});
