// Late viewers, end to end through the reference server (issue 13, item 3): one agent co-browses, the
// customer follows a link (the new page resumes under a new peer id), THEN four more agents open the
// chat and ask. Each asks the customer's current page for an invitation; the customer approves each;
// all five views converge with the page the customer is on now. Before the session directory, the
// four late agents dialed the first page's peer id and sat in `connecting` until they gave up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { converge, openDemo, startCobrowse, until } from './flow.mjs';

describe('agents who join after a navigation', () => {
  let t;
  before(async () => {
    t = await openDemo();
    await startCobrowse(t);
    await converge(t, 'the first page');
  });
  after(async () => t?.close());

  it('four late agents reach the current page, are approved one by one, and all five converge', async () => {
    const firstPeer = await t.customer.evaluate(() => window.cobrowseSharing.invitation.peer);
    await Promise.all([t.customer.waitForURL((u) => u.pathname.endsWith('/guide.html')), t.customer.click('#guide-link')]);
    await until(() => t.customer.evaluate(() => window.cobrowseSharing?.state === 'connected'), 'the new page to resume sharing');
    await converge(t, 'the first agent to follow the navigation');
    assert.notEqual(await t.customer.evaluate(() => window.cobrowseSharing.invitation.peer), firstPeer, 'the new page has another peer id');

    const late = [];
    for (let i = 0; i < 4; i++) late.push(await t.open('agent.html'));
    for (const a of late) {
      await a.locator('#rooms button').first().click({ timeout: 15_000 });
      await a.locator('#chat').waitFor({ state: 'visible' });
    }
    for (let i = 0; i < late.length; i++) {
      await t.customer.locator('cobrowse-consent[open] [part~=allow]').click({ timeout: 20_000 });
      await until(
        () => t.customer.evaluate((n) => window.cobrowseSharing.viewerList.length === n, i + 2),
        `late agent ${i + 1} approved`,
      ).catch(async (err) => {
        err.message += `\nlate agents: ${JSON.stringify(await Promise.all(late.map((a) => a.evaluate(() => window.cobrowseViewing?.state ?? null))))}`;
        throw err;
      });
    }
    const agents = [t.agent, ...late];
    for (const a of agents)
      await until(() => a.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'every agent to see the page');
    await t.customer.fill('input[name=q]', 'typed after everyone joined');
    for (const a of agents) await converge({ customer: t.customer, agent: a }, 'each agent to show the current page');
    for (const a of agents) {
      assert.equal(await a.evaluate(() => window.cobrowseViewing.mirror.document.title), await t.customer.title());
    }
    // the session directory: a chat opened now is told the current page's peer, not the first page's
    const current = await t.customer.evaluate(() => window.cobrowseSharing.invitation.peer);
    const told = await late[0].evaluate(async () => {
      const { connectReferenceChat } = await import('/dist/cdn/cobrowse-rtc.js');
      const config = await (await fetch('/config.json')).json();
      const auth = { authorization: `Bearer ${(await (await fetch('/session.json')).json()).token}` };
      const [room] = await (await fetch(`${config.signaling}/api/rooms`, { headers: auth })).json();
      const res = await fetch(`${config.signaling}/api/rooms/${encodeURIComponent(room.room)}/agent-token`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      });
      const chat = await connectReferenceChat({ url: config.signaling, token: (await res.json()).token });
      const peer = chat.welcome.share.invitation?.peer ?? null;
      chat.close();
      return peer;
    });
    assert.equal(told, current, "welcome.share names the customer's current page");
    const codes = await Promise.all(agents.map((a) => a.locator('cobrowse-viewer [part=code]').textContent()));
    assert.equal(new Set(codes).size, 5, `five channels, five codes: ${codes}`);
    assert.deepEqual(t.pageErrors, []);
  });
});
