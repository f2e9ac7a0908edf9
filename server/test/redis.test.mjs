// N server processes on one Redis (REDIS_URL): real redis-server, real `node server/bin.mjs`
// children. A customer on one process and an agent on another chat, share and signal; a process dies;
// every process restarts. Needs `redis-server` on PATH (CI installs the Debian package).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chat, createRoom, peerjs } from '../test-support/helpers.mjs';
import { startProcess, startRedis } from '../test-support/redis.mjs';

const SECRET = 'shared-signaling-secret-for-the-redis-tests';
const SECRET_B64 = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0'; // an invitation secret (base64url, 27 bytes)
/** A process that died is noticed after 3 heartbeats (6 s): generous waits for that, never a speed claim. */
const SLOW = 15_000;

/** @type {Awaited<ReturnType<typeof startRedis>>} */
let redis;
/** @type {Set<Awaited<ReturnType<typeof startProcess>>>} */
const procs = new Set();

const start = async () => {
  const p = await startProcess({ redisUrl: redis.url, secret: SECRET });
  procs.add(p);
  return p;
};

before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all([...procs].map((p) => p.kill().catch(() => {})));
  redis?.stop();
});

/** A room made on `a` with its customer connected there and an agent connected to `b`. */
async function customerOnAgentOn(a, b) {
  const { room, token } = await createRoom(a, 'Carol');
  const customer = await chat(a, token);
  const agent = await chat(b, await b.agentToken(room, 'Alice'));
  await customer.next((m) => m.type === 'join' && m.from.role === 'agent');
  return { room, token, customer, agent };
}

/** Invite (agent), accept (customer, naming its page's peer), invitation (customer → agent). */
async function share(customer, agent) {
  agent.send({ type: 'invite' });
  await customer.next('invite');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  const accepted = await agent.next('accept').catch((err) => {
    throw new Error(`${err.message}\ncustomer: ${JSON.stringify(customer.inbox).slice(0, 600)}`);
  });
  assert.equal(accepted.invitation.peer, customer.welcome.peer.id);
  customer.send({ type: 'invitation', to: agent.welcome.peer.id, invitation: { peer: customer.welcome.peer.id, secret: SECRET_B64 } });
  const inv = await agent.next('invitation');
  assert.deepEqual(inv.invitation, { peer: customer.welcome.peer.id, secret: SECRET_B64 });
}

test('two processes on one Redis: a customer on A and an agent on B chat, share, signal and relay PeerJS', async () => {
  const [a, b] = [await start(), await start()];
  const { customer, agent } = await customerOnAgentOn(a, b);
  // presence across processes: the agent's welcome lists the customer connected to A
  assert.ok(
    agent.welcome.participants.some((p) => p.role === 'customer' && p.peer === customer.welcome.peer.id),
    JSON.stringify(agent.welcome.participants),
  );

  agent.send({ type: 'text', text: 'hello from B' });
  assert.equal((await customer.next((m) => m.type === 'text' && m.from.role === 'agent')).text, 'hello from B');
  customer.send({ type: 'text', text: 'hi from A' });
  assert.equal((await agent.next((m) => m.type === 'text' && m.from.role === 'customer')).text, 'hi from A');

  await share(customer, agent);

  // chat-carried signals, directed, across processes (and refused for an unknown peer)
  agent.send({ type: 'signal', to: customer.welcome.peer.id, data: 'sdp-from-B' });
  const sig = await customer.next('signal');
  assert.equal(sig.data, 'sdp-from-B');
  assert.equal(sig.from.peer, agent.welcome.peer.id);
  agent.send({ type: 'request-invitation' });
  assert.equal((await customer.next('request-invitation')).from.peer, agent.welcome.peer.id);

  // the PeerJS relay: the sharer's socket on A, the viewer's on B
  const sharer = await peerjs(a, customer.welcome);
  const viewer = await peerjs(b, agent.welcome);
  assert.equal(sharer.first.type, 'OPEN');
  assert.equal(viewer.first.type, 'OPEN');
  viewer.send({
    type: 'OFFER',
    dst: customer.welcome.peer.id,
    payload: { sdp: { type: 'offer', sdp: 'v=0 offer' }, connectionId: 'dc_1' },
  });
  const offer = await sharer.next('OFFER');
  assert.equal(offer.src, agent.welcome.peer.id);
  assert.equal(offer.payload.sdp.sdp, 'v=0 offer');
  sharer.send({
    type: 'ANSWER',
    dst: agent.welcome.peer.id,
    payload: { sdp: { type: 'answer', sdp: 'v=0 answer' }, connectionId: 'dc_1' },
  });
  const answer = await viewer.next('ANSWER');
  assert.equal(answer.src, customer.welcome.peer.id);
  assert.equal(answer.payload.sdp.sdp, 'v=0 answer');
  for (const c of [customer, agent, sharer, viewer]) c.close();
});

test('one of three processes dies: the room survives, the customer reconnects to another and carries on', async () => {
  const [a, b, c] = [await start(), await start(), await start()];
  const { token, customer, agent } = await customerOnAgentOn(a, b);
  await share(customer, agent);
  customer.send({ type: 'text', text: 'before the crash' });
  await agent.next('text');

  await a.kill();
  await customer.closed;
  // the agent on B learns that the customer's connection went with A
  const lost = await agent.next((m) => m.type === 'leave' && m.from.peer === customer.welcome.peer.id, SLOW);
  assert.equal(lost.reason, 'server-lost');

  // the same token on C (a load balancer's choice): the room, its share and its history are there
  const again = await chat(c, token);
  assert.equal(again.welcome.share.state, 'active');
  assert.equal(again.welcome.share.invitation.peer, customer.welcome.peer.id);
  assert.ok(again.welcome.history.some((m) => m.type === 'text' && m.text === 'before the crash'));
  assert.ok(!again.welcome.participants.some((p) => p.peer === customer.welcome.peer.id), 'the dead connection is not listed');
  assert.equal((await agent.next((m) => m.type === 'join' && m.from.role === 'customer')).from.peer, again.welcome.peer.id);
  again.send({ type: 'text', text: 'after the crash' });
  assert.equal((await agent.next('text')).text, 'after the crash');
  // the customer's new page takes over: an invitation naming its new peer id reaches the agent on B
  again.send({ type: 'invitation', to: agent.welcome.peer.id, invitation: { peer: again.welcome.peer.id, secret: SECRET_B64 } });
  assert.equal((await agent.next('invitation')).invitation.peer, again.welcome.peer.id);
  // and the viewer on B dials the new page on C through the PeerJS relay
  const sharer = await peerjs(c, again.welcome);
  const viewer = await peerjs(b, agent.welcome);
  viewer.send({ type: 'OFFER', dst: again.welcome.peer.id, payload: { sdp: { type: 'offer', sdp: 'v=0 after' }, connectionId: 'dc_2' } });
  const offer = await sharer.next('OFFER');
  assert.equal(offer.src, agent.welcome.peer.id);
  assert.equal(offer.payload.sdp.sdp, 'v=0 after');
  for (const x of [again, agent, sharer, viewer]) x.close();
});

test('every process restarts: every room and its share state are still there, tokens still verify', async () => {
  const [a, b] = [await start(), await start()];
  const shared = await customerOnAgentOn(a, b);
  await share(shared.customer, shared.agent);
  shared.customer.send({ type: 'text', text: 'kept' });
  await shared.agent.next('text');
  const { room: idle, token: idleToken } = await createRoom(b, 'Dan');

  await Promise.all([a.stop(), b.stop()]); // a deploy: SIGTERM to every process
  procs.delete(a);
  procs.delete(b);
  const [a2, b2] = [await start(), await start()];

  const listing = await (await fetch(`${b2.url}/api/rooms`, { headers: { authorization: `Bearer ${b2.agentKey}` } })).json();
  assert.ok(
    listing.some((r) => r.room === shared.room && r.share === 'active'),
    JSON.stringify(listing),
  );
  assert.ok(
    listing.some((r) => r.room === idle && r.share === 'idle'),
    JSON.stringify(listing),
  );

  const customer = await chat(a2, shared.token);
  assert.equal(customer.welcome.room, shared.room);
  assert.equal(customer.welcome.share.state, 'active');
  assert.ok(customer.welcome.history.some((m) => m.type === 'text' && m.text === 'kept'));
  const dan = await chat(b2, idleToken);
  assert.equal(dan.welcome.room, idle);
  assert.equal(dan.welcome.share.state, 'idle');
  customer.close();
  dan.close();
});

test('the room-creation limit per address is one bucket for every process, not one per process', async () => {
  const [a, b] = [await start(), await start()];
  redis.cli('eval', "for _, k in ipairs(redis.call('keys', 'cb:rate:*')) do redis.call('del', k) end", '0'); // earlier tests' rooms
  const create = (p) =>
    fetch(`${p.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status);
  // the burst (10) spread over both processes, then the next is refused on either
  const statuses = [];
  for (let i = 0; i < 10; i++) statuses.push(await create(i % 2 ? b : a));
  assert.deepEqual(statuses, Array(10).fill(201));
  assert.equal(await create(a), 429, 'refused on A');
  assert.equal(await create(b), 429, 'and on B: the bucket is shared');
});
