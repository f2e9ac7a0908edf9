// Reconnecting chats (issue 13, item 2): the server keeps a returning participant's peer id
// (`/chat?resume=<peer token>`), and the reference client (src/signaling/reference-chat.ts, compiled)
// dials again by itself with backoff, says so in `state`, and delivers what it missed. Real servers:
// in-process for the protocol rules, three `node server/bin.mjs` processes on a real Redis behind
// a TCP load balancer for a process that dies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startServer, createRoom, chat, client, roomWithBoth } from '../test-support/helpers.mjs';
import { startProcess, startRedis } from '../test-support/redis.mjs';
import { startBalancer } from '../test-support/balancer.mjs';
import { importSignaling } from '../test-support/build.mjs';

const SECRET = 'shared-signaling-secret-for-the-reconnect-tests';
/** A dead process is noticed within three heartbeats: a generous wait, never a speed claim. */
const SLOW = 20_000;

let server;
let sig;
let redis;
const procs = new Set();
before(async () => {
  sig = await importSignaling();
  server = await startServer();
  redis = await startRedis();
});
after(async () => {
  await server.close();
  await Promise.all([...procs].map((p) => p.kill().catch(() => {})));
  redis?.stop();
});

/** A chat socket with `resume` set to a previous connection's peer token. */
async function rejoin(srv, token, resume) {
  const c = client(`${srv.ws}/chat?token=${encodeURIComponent(token)}&resume=${encodeURIComponent(resume)}`);
  c.welcome = await c.next('welcome');
  return c;
}

/** Resolves when `chat.state` becomes `state` (watchdog only). */
function stateBecomes(chat, state, ms = SLOW) {
  return new Promise((resolve, reject) => {
    const seen = [];
    const timer = setTimeout(() => reject(new Error(`state never became ${state}; saw ${seen.join(' → ') || 'nothing'}`)), ms);
    const prev = chat.onstate;
    chat.onstate = (s) => {
      seen.push(s);
      prev?.(s);
      if (s === state) {
        clearTimeout(timer);
        chat.onstate = prev;
        resolve(seen);
      }
    };
  });
}

test('resume: the same participant keeps its peer id; the socket it replaces closes (4409) without a leave', async () => {
  const { room, customer, agent } = await roomWithBoth(server);
  const token = server.agentToken(room, 'Alice');
  const first = await chat(server, token);
  await customer.next((m) => m.type === 'join' && m.from.peer === first.welcome.peer.id);
  const second = await rejoin(server, token, first.welcome.peer.token);
  assert.equal(second.welcome.peer.id, first.welcome.peer.id, 'the peer id is kept');
  assert.equal((await first.closed).code, 4409, 'the older socket gives way');
  const back = await customer.next((m) => m.type === 'join' && m.from.peer === first.welcome.peer.id);
  assert.equal(back.resumed, true);
  assert.ok(await customer.none((m) => m.type === 'leave', 300), 'no leave for the replaced socket');
  assert.equal(second.welcome.participants.filter((p) => p.peer === first.welcome.peer.id).length, 1, 'listed once');
  // the kept id is still this participant's: signals reach it
  customer.send({ type: 'signal', to: second.welcome.peer.id, data: 'sdp' });
  assert.equal((await second.next('signal')).data, 'sdp');
  for (const c of [customer, agent, second]) c.close();
});

test("resume with someone else's peer token, another room's, a chat token or garbage: a fresh peer id", async () => {
  const { room, customer, agent } = await roomWithBoth(server);
  const other = await roomWithBoth(server);
  const token = server.agentToken(room, 'Alice');
  const cases = {
    "the customer's peer token": customer.welcome.peer.token,
    "another room's agent peer token": other.agent.welcome.peer.token,
    'a chat token': token,
    garbage: 'x.y',
    'a forged MAC': `${agent.welcome.peer.token.split('.')[0]}.${'A'.repeat(43)}`,
  };
  for (const [what, resume] of Object.entries(cases)) {
    const c = await rejoin(server, token, resume);
    const taken = [customer.welcome.peer.id, other.agent.welcome.peer.id, agent.welcome.peer.id];
    assert.ok(!taken.includes(c.welcome.peer.id), `${what}: got a peer id that is not its own`);
    c.close();
  }
  // positive control: the agent's own token keeps its id
  const own = await rejoin(server, token, agent.welcome.peer.token);
  assert.equal(own.welcome.peer.id, agent.welcome.peer.id);
  for (const c of [customer, own, other.customer, other.agent]) c.close();
});

test('share-moved: the customer page that resumed the share becomes its address for late agents', async () => {
  const { room, token, customer, agent } = await (async () => {
    const r = await createRoom(server, 'Carol');
    const customer = await chat(server, r.token);
    const agent = await chat(server, server.agentToken(r.room, 'Alice'));
    return { ...r, customer, agent };
  })();
  agent.send({ type: 'invite' });
  await customer.next('invite');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  await agent.next('accept');
  const page2 = await chat(server, token); // the customer's next page
  page2.send({ type: 'share-moved', invitation: { peer: page2.welcome.peer.id } });
  agent.send({ type: 'share-moved', invitation: { peer: agent.welcome.peer.id } });
  assert.equal((await agent.next('error')).code, 'forbidden', 'an agent cannot move the share');
  page2.send({ type: 'share-moved', invitation: { peer: agent.welcome.peer.id } });
  assert.equal((await page2.next('error')).code, 'forbidden', "the share cannot point at an agent's address");
  const late = await chat(server, server.agentToken(room, 'Bob'));
  assert.equal(late.welcome.share.invitation.peer, page2.welcome.peer.id, 'a late agent is told where the customer is now');
  for (const c of [customer, agent, page2, late]) c.close();
});

test(
  'the reference client: a process dies, the chat says reconnecting, comes back through the balancer with its peer id, and delivers what it missed',
  { timeout: 90_000 },
  async () => {
    const backends = [];
    for (let i = 0; i < 3; i++) {
      const p = await startProcess({ redisUrl: redis.url, secret: SECRET });
      procs.add(p);
      backends.push(p);
    }
    const lb = await startBalancer(backends);
    const { room, token } = await createRoom(backends[0], 'Carol');
    const customer = await sig.connectReferenceChat({ url: lb.url, token, WebSocket, reconnect: { minDelay: 100, maxDelay: 1000 } });
    const holder = backends.find((p) => p.port === lb.choices.at(-1));
    // the agent on another process: connect until the balancer puts it elsewhere
    let agent;
    for (;;) {
      agent = await sig.connectReferenceChat({ url: lb.url, token: await backends[0].agentToken(room, 'Alice'), WebSocket });
      if (lb.choices.at(-1) !== holder.port) break;
      agent.close();
    }
    const peer = customer.welcome.peer.id;
    // the customer page's PeerJS socket on the same process, the agent's viewer elsewhere
    const peerjsOn = async (welcome, want) => {
      for (;;) {
        const a = sig.createPeerJsSignaling({
          url: lb.url,
          id: welcome.peer.id,
          token: welcome.peer.token,
          WebSocket,
          reconnect: { minDelay: 100, maxDelay: 1000 },
        });
        await a.ready;
        if (want(lb.choices.at(-1))) return a;
        a.close();
      }
    };
    const sharer = await peerjsOn(customer.welcome, (port) => port === holder.port);
    const viewer = await peerjsOn(agent.welcome, (port) => port !== holder.port);
    const sharerErrors = [];
    sharer.onerror = (e) => sharerErrors.push(e);
    const states = stateBecomes(customer, 'connected');
    const lost = stateBecomes(customer, 'reconnecting');
    const texts = [];
    // one message seen before the crash: the replay on return must not deliver it again
    const seenBefore = new Promise((resolve) => {
      customer.ontext = (e) => {
        texts.push(e.text);
        resolve();
      };
    });
    agent.sendText('before the crash');
    await seenBefore;

    await holder.kill();
    await lost;
    assert.throws(
      () => customer.sendText('while away'),
      (err) => err.code === 'unreachable',
      'sending while reconnecting says why',
    );
    agent.sendText('sent while the customer was away');
    const answered = new Promise((r) => (viewer.onsignal = (from, signal) => r({ from, signal })));
    sharer.send(agent.welcome.peer.id, { type: 'answer', sdp: 'v=0 sent while reconnecting' });
    assert.deepEqual(await states, ['reconnecting', 'connected']);
    assert.equal(customer.welcome.peer.id, peer, 'the peer id is kept across processes');
    assert.notEqual(lb.choices.at(-1), holder.port);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      texts,
      ['before the crash', 'sent while the customer was away'],
      'the missed message is delivered once, and nothing seen before the crash again',
    );
    // the agent still knows the customer under the same address, and the chat works both ways
    const heard = new Promise((r) => (agent.ontext = r));
    customer.sendText('back');
    assert.equal((await heard).from.peer, peer);
    assert.equal(agent.participant(peer)?.role, 'customer');
    // the sharer's PeerJS socket came back by itself with the same id: what it sent meanwhile arrives,
    // and a new viewer's offer reaches it across processes
    assert.deepEqual(await answered, { from: peer, signal: { type: 'answer', sdp: 'v=0 sent while reconnecting' } });
    const offered = new Promise((r) => (sharer.onsignal = (from, signal) => r({ from, signal })));
    viewer.send(peer, { type: 'offer', sdp: 'v=0 after the crash' });
    assert.deepEqual(await offered, { from: agent.welcome.peer.id, signal: { type: 'offer', sdp: 'v=0 after the crash' } });
    assert.deepEqual(sharerErrors, [], 'a lost socket that came back is not an error');
    for (const x of [customer, agent, sharer, viewer]) x.close();
    lb.close();
  },
);

test(
  'the reference client stops for good when the room is gone (a restart without Redis): state closed, onclose',
  { timeout: 30_000 },
  async () => {
    const solo = await startServer();
    const { token } = await createRoom(solo, 'Carol');
    const customer = await sig.connectReferenceChat({ url: solo.url, token, WebSocket, reconnect: { minDelay: 50, maxDelay: 200 } });
    const port = solo.port;
    const closed = new Promise((r) => (customer.onclose = (code) => r(code)));
    const seen = [];
    customer.onstate = (s) => seen.push(s);
    await solo.close();
    const again = await startServer({ port }); // same address, empty memory: the room no longer exists
    assert.equal(await closed, 4401);
    assert.deepEqual(seen, ['reconnecting', 'closed']);
    assert.equal(customer.state, 'closed');
    await again.close();
  },
);

test('the reference client with reconnect: false closes at once', { timeout: 30_000 }, async () => {
  const solo = await startServer();
  const { token } = await createRoom(solo, 'Carol');
  const customer = await sig.connectReferenceChat({ url: solo.url, token, WebSocket, reconnect: false });
  const closed = new Promise((r) => (customer.onclose = (code) => r(code)));
  await solo.close();
  assert.equal(await closed, 1006);
  assert.equal(customer.state, 'closed');
});
