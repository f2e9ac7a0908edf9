import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createRoom, chat, roomWithBoth } from '../test-support/helpers.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const SECRET = Buffer.alloc(32, 7).toString('base64url');

test('welcome: room, role, name, a server-chosen peer id and token, participants', async () => {
  const { room, customer, agent } = await roomWithBoth(server);
  assert.equal(customer.welcome.room, room);
  assert.equal(customer.welcome.role, 'customer');
  assert.equal(customer.welcome.name, 'Carol');
  assert.equal(agent.welcome.role, 'agent');
  assert.equal(agent.welcome.name, 'Alice');
  assert.match(customer.welcome.peer.id, /^[A-Za-z0-9_-]{16}$/);
  assert.notEqual(customer.welcome.peer.id, agent.welcome.peer.id);
  assert.deepEqual(agent.welcome.participants.map((p) => p.role).sort(), ['agent', 'customer']);
  assert.deepEqual(agent.welcome.share, { state: 'idle' });
});

test('text is relayed both ways, stamped with the sender as the server knows it', async () => {
  const { customer, agent } = await roomWithBoth(server);
  customer.send({ type: 'text', text: 'hello', from: { role: 'agent', name: 'Mallory', peer: 'x' }, id: 1 });
  const got = await agent.next('text');
  assert.equal(got.text, 'hello');
  assert.deepEqual(got.from, { role: 'customer', name: 'Carol', peer: customer.welcome.peer.id });
  assert.equal(typeof got.id, 'number');
  assert.ok(Math.abs(got.at - Date.now()) < 5000);
  const echo = await customer.next('text');
  assert.equal(echo.id, got.id, 'the sender gets its own message back, with the same id');
  agent.send({ type: 'text', text: 'hi, how can I help?' });
  assert.equal((await customer.next('text')).from.role, 'agent');
});

test('rooms are isolated', async () => {
  const a = await roomWithBoth(server);
  const b = await roomWithBoth(server);
  a.customer.send({ type: 'text', text: 'secret of room a' });
  await a.agent.next('text');
  assert.ok(await b.agent.none('text'));
  assert.ok(await b.customer.none('text'));
});

test('history is replayed on join, with presence', async () => {
  const { room, token } = await createRoom(server, 'Hana');
  const customer = await chat(server, token);
  customer.send({ type: 'text', text: 'one' });
  customer.send({ type: 'text', text: 'two' });
  await customer.next((m) => m.text === 'two');
  const agent = await chat(server, server.agentToken(room, 'Ann'));
  const texts = agent.welcome.history.filter((m) => m.type === 'text').map((m) => m.text);
  assert.deepEqual(texts, ['one', 'two']);
  assert.equal(agent.welcome.history[0].type, 'join');
  assert.equal((await customer.next('join')).from.name, 'Ann');
  agent.close();
  const leave = await customer.next('leave');
  assert.equal(leave.from.role, 'agent');
});

test('history is bounded', async () => {
  const small = await startServer({ limits: { historySize: 5 } });
  try {
    const { token } = await createRoom(small);
    const c = await chat(small, token);
    for (let i = 0; i < 12; i++) c.send({ type: 'text', text: `m${i}` });
    await c.next((m) => m.text === 'm11');
    const again = await chat(small, token);
    assert.equal(again.welcome.history.length, 5);
    assert.equal(again.welcome.history.at(-1).type, 'join');
    assert.equal(again.welcome.history.at(-2).text, 'm11');
  } finally {
    await small.close();
  }
});

test('agent invites, customer accepts: the room learns the share, never the secret', async () => {
  const { customer, agent } = await roomWithBoth(server);
  agent.send({ type: 'invite' });
  assert.equal((await customer.next('invite')).from.role, 'agent');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  const accepted = await agent.next('accept');
  assert.deepEqual(accepted.invitation, { peer: customer.welcome.peer.id });
  assert.deepEqual(accepted.invitedBy, { role: 'agent', name: 'Alice', peer: agent.welcome.peer.id });
  assert.equal(accepted.from.role, 'customer');
  // a late joiner learns that a share is active, and where: not how to join it
  const late = await chat(server, server.agentToken(customer.welcome.room, 'Late'));
  assert.deepEqual(late.welcome.share.invitation, { peer: customer.welcome.peer.id });
  assert.equal(late.welcome.share.state, 'active');
  // a second invite while sharing is a conflict
  agent.send({ type: 'invite' });
  assert.equal((await agent.next('error')).code, 'conflict');
  agent.send({ type: 'end', reason: 'done' });
  assert.equal((await customer.next('end')).reason, 'done');
});

test('only the customer may accept, and only a pending invitation', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const invitation = { peer: customer.welcome.peer.id, secret: SECRET };
  customer.send({ type: 'accept', invitation });
  assert.equal((await customer.next('error')).code, 'conflict', 'no invitation yet');
  agent.send({ type: 'invite' });
  await customer.next('invite');
  agent.send({ type: 'accept', invitation });
  const byAgent = await agent.next('error');
  assert.equal(byAgent.code, 'forbidden');
  assert.match(byAgent.message, /only the customer/);
  customer.send({ type: 'accept', invitation: { peer: agent.welcome.peer.id, secret: SECRET } });
  assert.equal((await customer.next('error')).code, 'forbidden', "the agent's peer id cannot be the sharer");
  customer.send({ type: 'accept', invitation: { secret: SECRET } });
  assert.equal((await customer.next('error')).code, 'malformed', 'no peer');
  assert.ok(await agent.none('accept'));
});

test('customer-initiated share: the customer invites, then accepts', async () => {
  const { customer, agent } = await roomWithBoth(server);
  customer.send({ type: 'invite' });
  assert.equal((await agent.next('invite')).from.role, 'customer');
  customer.send({ type: 'decline' });
  assert.equal((await customer.next('error')).code, 'forbidden', 'you cannot decline your own invitation');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id, secret: SECRET } });
  assert.equal((await agent.next('accept')).invitation.peer, customer.welcome.peer.id);
});

test('decline and end', async () => {
  const { customer, agent } = await roomWithBoth(server);
  agent.send({ type: 'decline' });
  assert.equal((await agent.next('error')).code, 'conflict');
  agent.send({ type: 'invite' });
  await customer.next('invite');
  customer.send({ type: 'decline' });
  await agent.next('decline');
  agent.send({ type: 'end' });
  assert.equal((await agent.next('error')).code, 'conflict', 'nothing to end');
  agent.send({ type: 'invite' });
  await customer.next('invite');
  agent.send({ type: 'end', reason: 'changed my mind' });
  assert.equal((await customer.next('end')).reason, 'changed my mind');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id, secret: SECRET } });
  assert.equal((await customer.next('error')).code, 'conflict', 'the withdrawn invitation cannot be accepted');
});

test('one co-browse request at a time: a second invite, from either side, is refused while one is pending', async () => {
  const { customer, agent } = await roomWithBoth(server);
  agent.send({ type: 'invite' });
  await customer.next('invite');
  agent.send({ type: 'invite' });
  const again = await agent.next('error');
  assert.equal(again.code, 'conflict');
  assert.equal(again.re, 'invite');
  assert.match(again.message, /already pending/);
  customer.send({ type: 'invite' });
  assert.equal((await customer.next('error')).code, 'conflict', "the customer's offer while the agent's request waits");
  assert.ok(await customer.none('invite'), 'no second request reaches the customer');
  // the pending one is still there to accept
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  assert.equal((await agent.next('accept')).invitedBy.peer, agent.welcome.peer.id);
});

test('an unanswered request expires: both sides hear it, it can no longer be accepted, a new one can be made', async () => {
  const quick = await startServer({ limits: { inviteTtlMs: 300 } });
  try {
    const { customer, agent } = await roomWithBoth(quick);
    agent.send({ type: 'invite' });
    await customer.next('invite');
    const [toCustomer, toAgent] = await Promise.all([customer.next('end'), agent.next('end')]);
    assert.equal(toCustomer.reason, 'expired');
    assert.equal(toAgent.reason, 'expired');
    assert.equal(toAgent.from.peer, agent.welcome.peer.id, "it is the agent's request that ended");
    customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
    const late = await customer.next('error');
    assert.equal(late.code, 'conflict');
    assert.match(late.message, /expired/);
    const fresh = await chat(quick, quick.agentToken(customer.welcome.room, 'Bob'));
    assert.equal(fresh.welcome.share.state, 'idle', 'a late joiner sees no pending request');
    agent.send({ type: 'invite' });
    await customer.next('invite');
    customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
    await agent.next('accept');
    await new Promise((r) => setTimeout(r, 450));
    assert.ok(await agent.none('end'), 'an accepted request does not expire');
  } finally {
    await quick.close();
  }
});

test('signals go only to their addressee in the same room', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const other = await roomWithBoth(server);
  const late = await chat(server, server.agentToken(customer.welcome.room, 'Other agent'));
  agent.send({ type: 'signal', to: customer.welcome.peer.id, data: 'sdp...' });
  const got = await customer.next('signal');
  assert.equal(got.data, 'sdp...');
  assert.equal(got.from.peer, agent.welcome.peer.id);
  assert.ok(await late.none('signal'), 'not to third parties');
  assert.ok(await agent.none('signal'), 'not back to the sender');
  agent.send({ type: 'signal', to: other.customer.welcome.peer.id, data: 'x' });
  assert.equal((await agent.next('error')).code, 'forbidden');
  assert.ok(await other.customer.none('signal'));
  assert.ok(!agent.welcome.history.some((m) => m.type === 'signal'));
});

test("a long chat never retires a connected member's peer id (the customer's 64th page could no longer reach the agent)", async () => {
  const { room, token } = await createRoom(server, 'Carol');
  const agent = await chat(server, server.agentToken(room, 'Alice'));
  // 70 page loads of the customer: each chat connection is issued a new peer id
  let customer = null;
  for (let page = 0; page < 70; page++) {
    customer?.close();
    customer = await chat(server, token);
  }
  customer.send({ type: 'signal', to: agent.welcome.peer.id, data: 'offer from page 70' });
  const got = await agent.next('signal');
  assert.equal(got.data, 'offer from page 70', "the agent's id, issued before 70 others, still reaches it");
  agent.close();
  customer.close();
});
