import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, roomWithBoth, peerjs } from '../test-support/helpers.mjs';
import { createTokens } from '../tokens.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

test('two peers of one room relay OFFER/ANSWER/CANDIDATE through PeerJS', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const a = await peerjs(server, agent.welcome);
  const c = await peerjs(server, customer.welcome);
  assert.equal(a.first.type, 'OPEN');
  assert.equal(c.first.type, 'OPEN');
  a.send({ type: 'OFFER', dst: customer.welcome.peer.id, src: 'spoofed', payload: { type: 'offer', sdp: 'v=0' } });
  const offer = await c.next('OFFER');
  assert.equal(offer.src, agent.welcome.peer.id, 'src is set by the server');
  assert.deepEqual(offer.payload, { type: 'offer', sdp: 'v=0' });
  c.send({ type: 'ANSWER', dst: agent.welcome.peer.id, payload: { type: 'answer', sdp: 'v=0 a' } });
  assert.equal((await a.next('ANSWER')).payload.sdp, 'v=0 a');
  c.send({ type: 'CANDIDATE', dst: agent.welcome.peer.id, payload: { type: 'candidate', candidate: { candidate: 'c' } } });
  assert.equal((await a.next('CANDIDATE')).payload.candidate.candidate, 'c');
  c.send({ type: 'HEARTBEAT' });
  assert.ok(await c.none('ERROR'));
});

test('a signal to a peer of another room is refused with ERROR, not relayed', async () => {
  const one = await roomWithBoth(server);
  const two = await roomWithBoth(server);
  const a = await peerjs(server, one.agent.welcome);
  const victim = await peerjs(server, two.customer.welcome);
  a.send({ type: 'OFFER', dst: two.customer.welcome.peer.id, payload: { type: 'offer', sdp: 'x' } });
  const err = await a.next('ERROR');
  assert.equal(err.payload.code, 'forbidden');
  assert.equal(err.payload.dst, two.customer.welcome.peer.id);
  assert.ok(await victim.none('OFFER'));
  a.send({ type: 'OFFER', dst: 'never-issued', payload: {} });
  assert.equal((await a.next('ERROR')).payload.code, 'forbidden');
  a.send({ type: 'EXPIRE', dst: one.customer.welcome.peer.id });
  assert.equal((await a.next('ERROR')).payload.code, 'malformed', 'server-only types are refused');
  assert.ok(!a.isClosed, 'refusals keep the socket open');
});

test('connecting needs the server-issued (id, token) pair and the key', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const w = customer.welcome;
  const forged = createTokens('not-the-secret').sign('peer', { room: w.room, role: 'customer', name: 'x', peer: w.peer.id }, 60_000);
  const cases = [
    { id: 'chosen-by-client', token: 'x' },
    { token: 'garbage' },
    { token: forged },
    { token: agent.welcome.peer.token }, // another peer's valid token
    { id: 'mine', token: server.agentToken(w.room) }, // a chat token is not a peer token
    { key: 'wrong-key' },
  ];
  for (const opts of cases) {
    const c = await peerjs(server, w, opts);
    assert.equal(c.first.type, 'ERROR', JSON.stringify(opts));
    assert.equal(c.first.payload.code, 'unauthorized');
    assert.equal((await c.closed).code, 4401);
  }
  const ok = await peerjs(server, w);
  assert.equal(ok.first.type, 'OPEN');
});

test('messages to a peer not yet connected are queued, then delivered', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const a = await peerjs(server, agent.welcome);
  a.send({ type: 'OFFER', dst: customer.welcome.peer.id, payload: { type: 'offer', sdp: 'early' } });
  await new Promise((r) => setTimeout(r, 50));
  const c = await peerjs(server, customer.welcome);
  assert.equal((await c.next('OFFER')).payload.sdp, 'early');
});
