// The browser adapters (src/signaling, compiled) against the real server, in-process, with `ws`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startServer, createRoom, sleep } from '../test-support/helpers.mjs';
import { importSignaling } from '../test-support/build.mjs';

let server;
let sig;
/** The chat envelope's internals (not public: src/signaling/chat.js, compiled). */
let envelope;
before(async () => {
  sig = await importSignaling(); // compiles build/ when stale
  envelope = await import('../../build/signaling/chat.js');
  server = await startServer();
});
after(() => server.close());

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const answer = { type: 'answer', sdp: 'v=0 answer' };
const candidate = {
  type: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
};

/** Customer and agent reference chats in one room. */
async function pair() {
  const { room, token } = await createRoom(server, 'Carol');
  const customer = await sig.connectReferenceChat({ url: server.url, token, WebSocket });
  const agent = await sig.connectReferenceChat({ url: server.url, token: server.agentToken(room, 'Alice'), WebSocket });
  return { room, customer, agent };
}

function nextSignal(adapter) {
  return new Promise((resolve) => {
    adapter.onsignal = (from, signal) => resolve({ from, signal });
  });
}

function nextError(adapter) {
  return new Promise((resolve) => {
    adapter.onerror = resolve;
  });
}

test('reference chat: welcome, text, invite and accept', async () => {
  const { customer, agent } = await pair();
  assert.equal(customer.welcome.role, 'customer');
  assert.equal(agent.welcome.role, 'agent');
  const texts = [];
  agent.ontext = (e) => texts.push(e);
  customer.sendText('hello');
  const invited = new Promise((r) => (customer.oninvite = r));
  await sleep(50);
  assert.equal(texts[0].text, 'hello');
  assert.equal(texts[0].from.name, 'Carol');
  agent.invite();
  assert.equal((await invited).from.role, 'agent');
  const accepted = new Promise((r) => (agent.onaccept = r));
  const delivered = new Promise((r) => (agent.oninvitation = r));
  const invitation = { peer: customer.welcome.peer.id, secret: Buffer.alloc(16, 1).toString('base64url') };
  customer.accept(invitation);
  assert.deepEqual((await accepted).invitation, { peer: invitation.peer }, 'the room event has no secret');
  assert.deepEqual((await delivered).invitation, invitation, 'the inviting agent gets it, addressed to it');
  const refused = new Promise((r) => (agent.onerror = r));
  agent.accept(invitation);
  const err = await refused;
  assert.ok(err instanceof sig.ReferenceChatError);
  assert.equal(err.code, 'forbidden');
  assert.equal(err.re, 'accept');
  customer.close();
  agent.close();
  assert.throws(
    () => agent.sendText('x'),
    (e) => e.code === 'closed',
  );
});

test('reference chat: a bad token rejects with SignalingError(unauthorized)', async () => {
  await assert.rejects(
    sig.connectReferenceChat({ url: server.url, token: 'forged.token', WebSocket }),
    (e) => e instanceof sig.SignalingError && e.code === 'unauthorized',
  );
  await assert.rejects(
    sig.connectReferenceChat({ url: 'http://127.0.0.1:1', token: 'x', WebSocket }),
    (e) => e instanceof sig.SignalingError && e.code === 'unreachable',
  );
});

test('PeerJS adapter: two parties exchange offer, answer and candidates', async () => {
  const { customer, agent } = await pair();
  const a = sig.createPeerJsSignaling({ url: server.url, id: agent.welcome.peer.id, token: agent.welcome.peer.token, WebSocket });
  const c = sig.createPeerJsSignaling({ url: server.url, id: customer.welcome.peer.id, token: customer.welcome.peer.token, WebSocket });
  await Promise.all([a.ready, c.ready]);
  assert.equal(a.id, agent.welcome.peer.id);
  let got = nextSignal(c);
  a.send(c.id, offer);
  assert.deepEqual(await got, { from: a.id, signal: offer });
  got = nextSignal(a);
  c.send(a.id, answer);
  assert.deepEqual(await got, { from: c.id, signal: answer });
  got = nextSignal(a);
  c.send(a.id, candidate);
  assert.deepEqual(await got, { from: c.id, signal: candidate });
  a.close();
  a.close();
  assert.throws(
    () => a.send(c.id, offer),
    (e) => e instanceof sig.SignalingError && e.code === 'closed',
  );
  c.close();
});

test('PeerJS adapter: unauthorized id/token rejects ready with SignalingError(unauthorized)', async () => {
  const { customer, agent } = await pair();
  const bad = [
    { id: customer.welcome.peer.id, token: agent.welcome.peer.token },
    { id: 'made-up', token: 'made.up' },
    { id: customer.welcome.peer.id, token: customer.welcome.peer.token, key: 'wrong' },
  ];
  for (const opts of bad) {
    const s = sig.createPeerJsSignaling({ url: server.url, WebSocket, ...opts });
    let late = null;
    s.onerror = (e) => (late = e);
    await assert.rejects(s.ready, (e) => e instanceof sig.SignalingError && e.code === 'unauthorized');
    await sleep(30);
    assert.equal(late, null, 'a failure before ready is reported once, through ready');
  }
});

test('PeerJS adapter: refusals are mapped to SignalingError codes', async () => {
  const one = await pair();
  const two = await pair();
  const a = sig.createPeerJsSignaling({ url: server.url, id: one.agent.welcome.peer.id, token: one.agent.welcome.peer.token, WebSocket });
  await a.ready;
  let err = nextError(a);
  a.send(two.customer.welcome.peer.id, offer); // another room
  assert.equal((await err).code, 'refused');
  err = nextError(a);
  a.send(one.customer.welcome.peer.id, { type: 'offer', sdp: 'x'.repeat(70_000) });
  assert.equal((await err).code, 'too-large');
  // the server goes away, reconnection off: onerror('closed')
  const lone = await startServer();
  const { token } = await createRoom(lone);
  const chat = await sig.connectReferenceChat({ url: lone.url, token, WebSocket, reconnect: false });
  const p = sig.createPeerJsSignaling({
    url: lone.url,
    id: chat.welcome.peer.id,
    token: chat.welcome.peer.token,
    WebSocket,
    reconnect: false,
  });
  await p.ready;
  err = nextError(p);
  await lone.close();
  assert.equal((await err).code, 'closed');
  a.close();
});

test(
  'PeerJS adapter: a lost server is dialled again; one that comes back without the room refuses it: unauthorized, once',
  { timeout: 30_000 },
  async () => {
    const lone = await startServer();
    const { token } = await createRoom(lone);
    const chat = await sig.connectReferenceChat({ url: lone.url, token, WebSocket, reconnect: false });
    const p = sig.createPeerJsSignaling({
      url: lone.url,
      id: chat.welcome.peer.id,
      token: chat.welcome.peer.token,
      WebSocket,
      reconnect: { minDelay: 50, maxDelay: 200 },
    });
    await p.ready;
    const errors = [];
    p.onerror = (e) => errors.push(e.code);
    const port = lone.port;
    await lone.close();
    await sleep(300); // a few attempts against nothing: not errors
    assert.deepEqual(errors, [], 'a server that is away is not an error while the adapter dials again');
    const again = await startServer({ port }); // same address, empty memory: the peer id is unknown
    for (let i = 0; i < 100 && !errors.includes('unauthorized'); i++) await sleep(50);
    assert.ok(errors.includes('unauthorized'), `refused at last: ${errors}`);
    await sleep(1000); // more attempts would bring more refusals
    assert.deepEqual(errors, ['unauthorized'], 'reported once, then it stops dialling');
    p.close();
    await again.close();
  },
);

test('PeerJS adapter: malformed signals from the server side are reported, not delivered', async () => {
  const { customer, agent } = await pair();
  const c = sig.createPeerJsSignaling({ url: server.url, id: customer.welcome.peer.id, token: customer.welcome.peer.token, WebSocket });
  await c.ready;
  // a raw PeerJS client (not our adapter) sends a payload that is not a Signal
  const raw = new WebSocket(
    `${server.ws}/peerjs/peerjs?key=peerjs&id=${agent.welcome.peer.id}&token=${encodeURIComponent(agent.welcome.peer.token)}`,
  );
  await new Promise((r) => raw.once('message', r));
  let delivered = false;
  c.onsignal = () => (delivered = true);
  const err = nextError(c);
  raw.send(JSON.stringify({ type: 'OFFER', dst: c.id, payload: { type: 'offer', sdp: 42 } }));
  assert.equal((await err).code, 'malformed');
  assert.equal(delivered, false);
  raw.close();
  c.close();
});

test('chat adapter over the reference chat: signals reach only their addressee', async () => {
  const { room, customer, agent } = await pair();
  const third = await sig.connectReferenceChat({ url: server.url, token: server.agentToken(room, 'Other'), WebSocket });
  const c = sig.createChatSignaling(customer.signalingChat());
  const a = sig.createChatSignaling(agent.signalingChat());
  const t = sig.createChatSignaling(third.signalingChat());
  let thirdGot = false;
  t.onsignal = () => (thirdGot = true);
  await Promise.all([a.ready, c.ready]);
  let got = nextSignal(c);
  a.send(c.id, offer);
  assert.deepEqual(await got, { from: a.id, signal: offer });
  got = nextSignal(a);
  c.send(a.id, answer);
  c.send(a.id, candidate);
  assert.deepEqual(await got, { from: c.id, signal: answer });
  await sleep(50);
  assert.equal(thirdGot, false);
  // to a peer of another room: the server refuses, the reference chat reports it
  const other = await pair();
  const refused = new Promise((r) => (agent.onerror = r));
  a.send(other.customer.welcome.peer.id, offer);
  const e = await refused;
  assert.equal(e.code, 'forbidden');
  assert.equal(e.re, 'signal');
  a.close();
  assert.throws(
    () => a.send(c.id, offer),
    (x) => x.code === 'closed',
  );
});

test('chat adapter over any text chat: prefix envelope, other text passed on', async () => {
  // a toy broadcast chat: everyone sees every message, including their own
  const members = [];
  const join = (id) => {
    const m = { id, onmessage: null, post: (text) => members.forEach((x) => x.onmessage?.(id, text)) };
    members.push(m);
    return m;
  };
  const alice = join('alice');
  const bob = join('bob');
  const carol = join('carol');
  const plain = [];
  bob.onmessage = (from, text) => plain.push([from, text]);
  const A = sig.createChatSignaling(alice);
  const B = sig.createChatSignaling(bob);
  const C = sig.createChatSignaling(carol);
  let carolGot = 0;
  C.onsignal = () => carolGot++;
  const got = nextSignal(B);
  A.send('bob', candidate);
  assert.deepEqual(await got, { from: 'alice', signal: candidate });
  assert.equal(carolGot, 0, 'addressed to bob only');
  alice.post('just chatting');
  assert.deepEqual(plain, [['alice', 'just chatting']], 'non-signal text goes to the previous onmessage');
  const err = nextError(B);
  alice.post(envelope.SIGNAL_PREFIX + '{"to":"bob","signal":{"type":"offer"}}');
  assert.equal((await err).code, 'malformed');
  B.close();
  assert.equal(typeof bob.onmessage, 'function', 'close restores the previous handler');
  alice.post('after close');
  assert.deepEqual(plain.at(-1), ['alice', 'after close']);
  assert.equal(envelope.decodeSignalText('hello'), null);
  assert.deepEqual(envelope.decodeSignalText(envelope.encodeSignalText('x', offer)), { to: 'x', signal: offer });
});
