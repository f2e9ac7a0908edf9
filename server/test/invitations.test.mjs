// Invitations are not replayable (issue 12, item 2): the server never relays the invitation secret to
// the room, never keeps it (welcome, history, audit log), and a late agent gets it only when the
// customer's page sends it, in a message addressed to that agent alone. Through the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startServer, createRoom, chat, sleep } from '../test-support/helpers.mjs';
import { importSignaling } from '../test-support/build.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

// 32 bytes, distinctive: searched for in every frame the others receive
const SECRET = Buffer.from('invitation-secret-canary-0123456').toString('base64url');

/** Every raw frame a client receives, kept as text (to search for the secret). */
function tap(c) {
  const frames = [];
  c.ws.on('message', (data) => frames.push(data.toString()));
  return frames;
}

/** Customer, the inviting agent and a bystander agent, all in the chat; the agent has invited. */
async function invitedRoom(srv = server) {
  const { room, token } = await createRoom(srv, 'Carol');
  const customer = await chat(srv, token);
  const agent = await chat(srv, srv.agentToken(room, 'Alice'));
  const bystander = await chat(srv, srv.agentToken(room, 'Bob'));
  agent.send({ type: 'invite' });
  await customer.next('invite');
  return { room, token, customer, agent, bystander };
}

const invitationFor = (customer) => ({ peer: customer.welcome.peer.id, secret: SECRET });

test('the secret is in no room event, no welcome, no history, even when a client puts it in its accept', async () => {
  const { room, customer, agent, bystander } = await invitedRoom();
  const seenByAgent = tap(agent);
  const seenByBystander = tap(bystander);
  // an older client still sends the secret with its accept: the server drops it
  customer.send({ type: 'accept', invitation: invitationFor(customer) });
  const accepted = await bystander.next('accept');
  assert.deepEqual(accepted.invitation, { peer: customer.welcome.peer.id });
  await agent.next('accept');
  const late = await chat(server, server.agentToken(room, 'Late'));
  const again = await chat(server, server.agentToken(room, 'Later')); // after more history
  for (const w of [late.welcome, again.welcome]) {
    assert.equal(w.share.state, 'active');
    assert.deepEqual(w.share.invitation, { peer: customer.welcome.peer.id }, 'where, not how');
    assert.ok(
      w.history.some((e) => e.type === 'accept'),
      'the history says a share started',
    );
    assert.ok(!JSON.stringify(w).includes(SECRET), 'the welcome (history included) never carries the secret');
  }
  await sleep(50);
  for (const [who, frames] of [
    ['the inviting agent', seenByAgent],
    ['a bystander', seenByBystander],
  ]) {
    assert.ok(frames.length > 0);
    assert.ok(!frames.some((f) => f.includes(SECRET)), `${who} never received the secret from the room`);
  }
  for (const c of [customer, agent, bystander, late, again]) c.close();
});

test('the customer sends it to one agent: that agent alone gets it, it is never stored', async () => {
  const { room, customer, agent, bystander } = await invitedRoom();
  const seenByBystander = tap(bystander);
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  await agent.next('accept');
  customer.send({ type: 'invitation', to: agent.welcome.peer.id, invitation: invitationFor(customer) });
  const got = await agent.next('invitation');
  assert.deepEqual(got.invitation, invitationFor(customer));
  assert.deepEqual(got.from, { role: 'customer', name: 'Carol', peer: customer.welcome.peer.id }, 'stamped by the server');
  assert.ok(await bystander.none('invitation', 200));
  assert.ok(await customer.none('invitation'), 'not echoed to the sender');
  assert.ok(!seenByBystander.some((f) => f.includes(SECRET)));
  const late = await chat(server, server.agentToken(room, 'Late'));
  assert.ok(!JSON.stringify(late.welcome).includes(SECRET), 'not in the history a later joiner gets');
  for (const c of [customer, agent, bystander, late]) c.close();
});

test('invitation: customer only, during an active share, to a connected agent of this room, well formed', async () => {
  const { room, customer, agent, bystander } = await invitedRoom();
  const other = await invitedRoom();
  const send = (from, msg) => from.send({ type: 'invitation', ...msg });
  const refusal = async (from) => {
    const e = await from.next('error');
    assert.equal(e.re, 'invitation');
    return e.code;
  };
  send(customer, { to: agent.welcome.peer.id, invitation: invitationFor(customer) });
  assert.equal(await refusal(customer), 'conflict', 'before the accept');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  await customer.next('accept');
  send(agent, { to: bystander.welcome.peer.id, invitation: invitationFor(customer) });
  assert.equal(await refusal(agent), 'forbidden', 'an agent cannot hand out the invitation');
  send(customer, { to: customer.welcome.peer.id, invitation: invitationFor(customer) });
  assert.equal(await refusal(customer), 'forbidden', 'to a customer peer');
  send(customer, { to: other.agent.welcome.peer.id, invitation: invitationFor(customer) });
  assert.equal(await refusal(customer), 'forbidden', "to another room's agent");
  send(customer, { to: agent.welcome.peer.id, invitation: { peer: agent.welcome.peer.id, secret: SECRET } });
  assert.equal(await refusal(customer), 'forbidden', 'naming an agent as the sharer');
  send(customer, { to: agent.welcome.peer.id, invitation: { peer: customer.welcome.peer.id, secret: 'short' } });
  assert.equal(await refusal(customer), 'malformed', 'a secret of less than 16 bytes');
  send(customer, { to: 42, invitation: invitationFor(customer) });
  assert.equal(await refusal(customer), 'malformed');
  const gone = await chat(server, server.agentToken(room, 'Gone'));
  gone.close();
  await customer.next((m) => m.type === 'leave' && m.from.peer === gone.welcome.peer.id);
  send(customer, { to: gone.welcome.peer.id, invitation: invitationFor(customer) });
  assert.equal(await refusal(customer), 'unreachable', 'to an agent no longer connected');
  assert.ok((await agent.none('invitation')) && (await bystander.none('invitation')) && (await other.agent.none('invitation')));
  for (const c of [customer, agent, bystander, other.customer, other.agent, other.bystander]) c.close();
});

test('a late agent gets nothing until the customer’s page answers its request', async () => {
  const { room, customer, agent } = await invitedRoom();
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  await agent.next('accept');
  const late = await chat(server, server.agentToken(room, 'Late'));
  const seenByLate = tap(late);
  late.send({ type: 'request-invitation', name: 'Someone else', from: { role: 'customer' } });
  const asked = await customer.next('request-invitation');
  assert.deepEqual(asked.from, { role: 'agent', name: 'Late', peer: late.welcome.peer.id }, 'named as the server knows it');
  assert.ok(await agent.none('request-invitation'), 'only the customer’s connections hear the request');
  assert.ok(await late.none((m) => m.type !== 'join' && m.type !== 'leave', 300), 'nothing comes back by itself');
  assert.ok(!seenByLate.some((f) => f.includes(SECRET)));
  // the customer's page decides
  customer.send({ type: 'invitation', to: asked.from.peer, invitation: invitationFor(customer) });
  assert.deepEqual((await late.next('invitation')).invitation, invitationFor(customer));
  assert.ok(await agent.none('invitation'), 'the first agent is not sent it again');
  for (const c of [customer, agent, late]) c.close();
});

test('request-invitation: agents only, during an active share, with the customer connected', async () => {
  const { token, customer, agent } = await invitedRoom();
  agent.send({ type: 'request-invitation' });
  assert.equal((await agent.next('error')).code, 'conflict', 'no active share yet');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  await agent.next('accept');
  customer.send({ type: 'request-invitation' });
  assert.equal((await customer.next('error')).code, 'forbidden');
  customer.close();
  await agent.next((m) => m.type === 'leave' && m.from.role === 'customer');
  agent.send({ type: 'request-invitation' });
  assert.equal((await agent.next('error')).code, 'unreachable', 'nobody to ask');
  // the customer's next page (a new connection) is asked
  const next = await chat(server, token);
  agent.send({ type: 'request-invitation' });
  assert.equal((await next.next('request-invitation')).from.peer, agent.welcome.peer.id);
  agent.close();
  next.close();
});

test('the audit log records who was sent the invitation and who asked, never the secret', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cobrowse-invitations-'));
  const audited = await startServer({ audit: { dataDir: dir, createKey: true, flushMs: 20 } });
  try {
    const { room, customer, agent, bystander } = await invitedRoom(audited);
    customer.send({ type: 'accept', invitation: invitationFor(customer) });
    await agent.next('accept');
    customer.send({ type: 'invitation', to: agent.welcome.peer.id, invitation: invitationFor(customer) });
    await agent.next('invitation');
    bystander.send({ type: 'request-invitation' });
    await customer.next('request-invitation');
    const events = audited.audit.events({ room });
    const sent = events.find((e) => e.kind === 'cobrowse.invitation-sent');
    const accepted = events.find((e) => e.kind === 'cobrowse.accepted');
    assert.deepEqual(sent.data.to, { role: 'agent', name: 'Alice', peer: agent.welcome.peer.id });
    assert.equal(sent.data.session, accepted.data.session);
    const asked = events.find((e) => e.kind === 'cobrowse.invitation-requested');
    assert.equal(asked.data.by.name, 'Bob');
    assert.ok(!JSON.stringify(events).includes(SECRET), 'no event holds the secret');
    await audited.audit.flush();
    assert.ok(!readFileSync(join(dir, 'signaling.db')).includes(SECRET), 'nor the file');
    for (const c of [customer, agent, bystander]) c.close();
  } finally {
    await audited.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reference chat client: accept sends the secret to the inviter only; a late agent asks, the page answers', async () => {
  const sig = await importSignaling();
  const { room, token } = await createRoom(server, 'Carol');
  const customer = await sig.connectReferenceChat({ url: server.url, token, WebSocket });
  const agent = await sig.connectReferenceChat({ url: server.url, token: server.agentToken(room, 'Alice'), WebSocket });
  const bystander = await sig.connectReferenceChat({ url: server.url, token: server.agentToken(room, 'Bob'), WebSocket });
  const got = { agent: [], bystander: [] };
  agent.oninvitation = (e) => got.agent.push(e);
  bystander.oninvitation = (e) => got.bystander.push(e);
  const bystanderAccept = new Promise((r) => (bystander.onaccept = r));
  const invited = new Promise((r) => (customer.oninvite = r));
  agent.invite();
  await invited;
  const invitation = { peer: customer.welcome.peer.id, secret: SECRET };
  customer.accept({ ...invitation, mask: { inputs: 'all' } });
  const accept = await bystanderAccept;
  assert.deepEqual(accept.invitation, { peer: invitation.peer });
  assert.equal(accept.invitedBy.peer, agent.welcome.peer.id);
  await waitFor(() => got.agent.length === 1, 'the inviting agent’s invitation');
  assert.deepEqual(got.agent[0].invitation, invitation);
  assert.equal(got.agent[0].from.role, 'customer');
  await sleep(100);
  assert.equal(got.bystander.length, 0, 'the bystander got nothing');
  // the bystander asks; the customer's page sees who, by the server's stamp, and answers
  const request = new Promise((r) => (customer.onrequest = r));
  bystander.requestInvitation();
  const asked = await request;
  assert.deepEqual(asked.from, { role: 'agent', name: 'Bob', peer: bystander.welcome.peer.id });
  assert.deepEqual(customer.participant(asked.from.peer), asked.from, 'the page can name a peer id');
  customer.sendInvitation(asked.from.peer, invitation);
  await waitFor(() => got.bystander.length === 1, 'the bystander’s invitation');
  assert.deepEqual(got.bystander[0].invitation, invitation);
  assert.equal(got.agent.length, 1);
  for (const c of [customer, agent, bystander]) c.close();
});

test('reference chat client: a share the customer offered goes to nobody until someone asks', async () => {
  const sig = await importSignaling();
  const { room, token } = await createRoom(server, 'Carol');
  const customer = await sig.connectReferenceChat({ url: server.url, token, WebSocket });
  const agent = await sig.connectReferenceChat({ url: server.url, token: server.agentToken(room, 'Alice'), WebSocket });
  const got = [];
  agent.oninvitation = (e) => got.push(e);
  const accepted = new Promise((r) => (agent.onaccept = r));
  customer.invite();
  await new Promise((r) => (agent.oninvite = r));
  customer.accept({ peer: customer.welcome.peer.id, secret: SECRET });
  assert.equal((await accepted).invitedBy, null, 'the customer offered');
  await sleep(150);
  assert.equal(got.length, 0);
  customer.onrequest = (e) => customer.sendInvitation(e.from.peer, { peer: customer.welcome.peer.id, secret: SECRET });
  agent.requestInvitation();
  await waitFor(() => got.length === 1, 'the invitation after the request');
  customer.close();
  agent.close();
});

async function waitFor(fn, what, ms = 3000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
