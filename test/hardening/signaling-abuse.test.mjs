// Abuse of the reference signaling server (issue 6, "Signaling server"): junk, binary and oversized
// frames, floods, missing/forged/foreign tokens, id and `from` spoofing, clients that never read, half
// HTTP upgrades, many sockets from one client. After every abuse the same process must still serve a
// fresh, healthy customer/agent pair (chat text + PeerJS OFFER relay). Prints a table of what each
// abuse got back (error code / close code).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { startServer, roomWithBoth, peerjs, client, createRoom, chat, sleep } from '../../server/test-support/helpers.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {{ abuse: string, socket: string, answer: string }[]} */
const table = [];
const row = (abuse, socket, answer) => table.push({ abuse, socket, answer });
/** What ran and how it ended: the summary is printed from this, never assumed. */
const outcome = {
  declared: /** @type {string[]} */ ([]),
  passed: /** @type {string[]} */ ([]),
  failed: /** @type {string[]} */ ([]),
  healthy: 0,
};

/** `test()` that records whether its body ran and passed (a skipped test's body never runs). */
function abuseTest(name, options, body) {
  if (typeof options === 'function') [body, options] = [options, {}];
  outcome.declared.push(name);
  test(name, options, async (t) => {
    try {
      await body(t);
      outcome.passed.push(name);
    } catch (err) {
      outcome.failed.push(name);
      throw err;
    }
  });
}

before(async () => {
  server = await startServer({ limits: { maxStrikes: 50 } });
});
after(async () => {
  await server.close();
  const ran = new Set([...outcome.passed, ...outcome.failed]);
  const notRun = outcome.declared.filter((n) => !ran.has(n));
  const head = outcome.failed.length
    ? `${outcome.failed.length} of ${ran.size} tests FAILED (${outcome.failed.join('; ')}): no claim about crashes; the rows below are the answers checked before that`
    : `${table.length} abuses in ${ran.size} tests, all passed` +
      (outcome.healthy
        ? `: crashes 0 (the same server process then served a healthy pair: ${outcome.healthy} checks)`
        : ' (no healthy-pair check ran: no claim about crashes)');
  console.log(`\nsignaling abuse: ${head}${notRun.length ? `; not run: ${notRun.join('; ')}` : ''}\n`);
  if (!table.length) return;
  const w = [Math.max(...table.map((r) => r.abuse.length)), 7];
  console.log(`| ${'abuse'.padEnd(w[0])} | socket  | answer |`);
  console.log(`|${'-'.repeat(w[0] + 2)}|---------|--------|`);
  for (const r of table) console.log(`| ${r.abuse.padEnd(w[0])} | ${r.socket.padEnd(7)} | ${r.answer} |`);
});

/** A brand-new room works end to end on the same process: chat text both ways, PeerJS OFFER relayed. */
async function healthy(s = server) {
  const { customer, agent } = await roomWithBoth(s);
  customer.send({ type: 'text', text: 'healthy?' });
  assert.equal((await agent.next('text')).text, 'healthy?');
  const a = await peerjs(s, agent.welcome);
  const c = await peerjs(s, customer.welcome);
  assert.equal(a.first.type, 'OPEN');
  a.send({ type: 'OFFER', dst: customer.welcome.peer.id, payload: { type: 'offer', sdp: 'v=0' } });
  const offer = await c.next('OFFER');
  assert.equal(offer.src, agent.welcome.peer.id);
  for (const x of [customer, agent, a, c]) x.close();
  outcome.healthy += 1;
}

const peerUrl = (s, { key = s.peerKey, id, token }) =>
  `${s.ws}/peerjs/peerjs?key=${encodeURIComponent(key)}&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}`;

/** A socket that must be refused: returns "error code / close code". */
async function refused(url, errorOf) {
  const c = client(url);
  const closed = await c.closed;
  const err = c.inbox.find((m) => m.type === 'error' || m.type === 'ERROR');
  return `${errorOf(err) ?? '(none)'} / ${closed.code}`;
}
const chatErr = (m) => m?.code;
const peerErr = (m) => m?.payload?.code;

abuseTest('chat: malformed frames of every shape get `malformed`, the socket stays open', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const junk = {
    'empty frame': '',
    'not JSON': '{not json',
    'JSON null': 'null',
    'JSON array': '[1,2]',
    'JSON string': '"text"',
    'type not a string': '{"type":7}',
    'unknown type': '{"type":"nope"}',
    'type __proto__': '{"type":"__proto__"}',
    'type constructor': '{"type":"constructor"}',
    'text without text': '{"type":"text"}',
    'text with a number': '{"type":"text","text":5}',
    'signal without to': '{"type":"signal","data":"x"}',
    'accept, invitation 5': '{"type":"accept","invitation":5}',
    'end, reason object': '{"type":"end","reason":{}}',
    'deep nesting (30k [)': `{"type":"text","text":"x","d":${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
  };
  for (const [name, frame] of Object.entries(junk)) {
    customer.send(frame);
    const err = await customer.next('error');
    assert.ok(['malformed', 'too-large', 'conflict', 'forbidden'].includes(err.code), `${name}: ${err.code}`);
    row(`chat ${name}`, 'chat', `error ${err.code}, stays open`);
  }
  // __proto__ in a relayed message pollutes nothing
  customer.send('{"type":"text","text":"proto","__proto__":{"polluted":1},"from":{"role":"agent"}}');
  const relayed = await agent.next('text');
  assert.equal(relayed.text, 'proto');
  assert.equal(/** @type {any} */ ({}).polluted, undefined);
  row('chat `__proto__` key in a text', 'chat', 'relayed without it, no prototype pollution');
  assert.ok(!customer.isClosed);
  customer.send({ type: 'text', text: 'still here' });
  assert.equal((await agent.next('text')).text, 'still here');
  await healthy();
});

abuseTest('binary frames and invalid UTF-8: `malformed` (binary) and close 1007 (bad UTF-8 in a text frame)', async () => {
  const { customer, agent } = await roomWithBoth(server);
  customer.ws.send(Buffer.from([0x7b, 0x00, 0xff]), { binary: true });
  assert.equal((await customer.next('error')).code, 'malformed');
  row('binary frame', 'chat', 'error malformed, stays open');
  const a = await peerjs(server, agent.welcome);
  a.ws.send(Buffer.from('{"type":"HEARTBEAT"}'), { binary: true });
  assert.equal((await a.next('ERROR')).payload.code, 'malformed');
  a.send({ type: 'HEARTBEAT' });
  await sleep(50);
  assert.ok(!a.isClosed, 'the PeerJS socket stays open after a binary frame');
  row('binary frame', 'PeerJS', 'ERROR malformed, stays open');
  customer.ws.send(Buffer.from([0x22, 0xff, 0xfe, 0x22]), { binary: false });
  assert.equal((await customer.closed).code, 1007);
  row('text frame with invalid UTF-8', 'chat', 'close 1007 (ws)');
  a.ws.send(Buffer.from([0xc3, 0x28]), { binary: false });
  assert.equal((await a.closed).code, 1007);
  row('text frame with invalid UTF-8', 'PeerJS', 'close 1007 (ws)');
  await healthy();
});

abuseTest('PeerJS: junk frames never reach PeerJS', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const a = await peerjs(server, agent.welcome);
  for (const [name, frame] of Object.entries({
    'not JSON': 'nope',
    'JSON number': '5',
    'type null': '{"type":null}',
    'OFFER without dst': '{"type":"OFFER"}',
    'OFFER dst a number': '{"type":"OFFER","dst":5}',
    'server-only type (OPEN)': '{"type":"OPEN"}',
    'deep nesting (30k [)': `{"type":"OFFER","dst":"${customer.welcome.peer.id}","payload":${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
  })) {
    a.send(frame);
    const err = await a.next('ERROR', 3000);
    row(`PeerJS ${name}`, 'PeerJS', `ERROR ${err.payload.code}, stays open`);
  }
  assert.ok(!server.logs.some((l) => l.startsWith('peerjs: error')), 'PeerJS never saw a frame it could not parse');
  assert.ok(!a.isClosed, 'the PeerJS socket stays open');
  await healthy();
});

abuseTest('oversized: `too-large` under the frame cap, close 1009 above it', async () => {
  const { customer, agent } = await roomWithBoth(server);
  customer.send({ type: 'text', text: 'x'.repeat(4097) });
  assert.equal((await customer.next('error')).code, 'too-large');
  row('text of 4097 bytes', 'chat', 'error too-large');
  customer.send({ type: 'signal', to: agent.welcome.peer.id, data: 'x'.repeat(65 * 1024) });
  assert.equal((await customer.next('error')).code, 'too-large');
  row('signal of 65 KB', 'chat', 'error too-large');
  const a = await peerjs(server, agent.welcome);
  a.send({ type: 'OFFER', dst: customer.welcome.peer.id, payload: 'x'.repeat(100_000) });
  assert.equal((await a.next('ERROR')).payload.code, 'too-large');
  row('frame of 100 KB', 'PeerJS', 'ERROR too-large');
  a.send('x'.repeat(257 * 1024));
  assert.equal((await a.closed).code, 1009);
  row('frame of 257 KB (over maxPayload)', 'PeerJS', 'close 1009');
  customer.send('x'.repeat(2 * 1024 * 1024));
  assert.equal((await customer.closed).code, 1009);
  row('frame of 2 MB', 'chat', 'close 1009');
  await healthy();
});

abuseTest('floods from one socket: one rate-limited error, then close 4429; junk floods close 4408', async () => {
  const { customer, agent } = await roomWithBoth(server);
  for (let i = 0; i < 500; i++) customer.send({ type: 'text', text: `flood ${i}` });
  assert.equal((await customer.next('error')).code, 'rate-limited');
  assert.equal((await customer.closed).code, 4429);
  const got = agent.inbox.filter((m) => m.type === 'text').length;
  assert.ok(got <= 45, `only the burst reached the room (${got})`);
  row('500 texts at once', 'chat', `error rate-limited, close 4429 (${got} relayed)`);
  const other = await roomWithBoth(server);
  for (let i = 0; i < 30; i++) other.customer.send('junk'); // under the burst: refused as junk, not as a flood
  await other.customer.next((m) => m.type === 'error' && other.customer.inbox.length >= 29);
  await sleep(1200);
  for (let i = 0; i < 20; i++) other.customer.send('junk');
  assert.equal((await other.customer.closed).code, 4408);
  // the one `next()` consumed, plus the rest still in the inbox
  const malformed = 1 + other.customer.inbox.filter((m) => m.type === 'error' && m.code === 'malformed').length;
  assert.ok(malformed >= 30, `each junk frame before the close got its error (${malformed})`);
  row('50 junk frames (under the rate)', 'chat', `error malformed ×${malformed}, close 4408`);
  const p = await peerjs(server, other.agent.welcome);
  for (let i = 0; i < 500; i++) p.send({ type: 'HEARTBEAT' });
  assert.equal((await p.next('ERROR')).payload.code, 'rate-limited');
  assert.equal((await p.closed).code, 4429);
  row('500 HEARTBEATs at once', 'PeerJS', 'ERROR rate-limited, close 4429');
  await healthy();
});

abuseTest('tokens: none, garbage, forged, foreign, wrong kind, expired → unauthorized and close 4401', async () => {
  const { room, customer, agent } = await roomWithBoth(server);
  const [claims64, mac] = customer.welcome.peer.token.split('.');
  const chatToken = server.agentToken(room, 'Alice');
  const [chatClaims] = chatToken.split('.');
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const asAgent = { ...JSON.parse(Buffer.from(chatClaims, 'base64url').toString()), role: 'agent', name: 'Mallory' };
  const otherSecret = (kind, claims) =>
    `${b64(claims)}.${createHmac('sha256', 'another server')
      .update(`${kind}.${b64(claims)}`)
      .digest('base64url')}`;
  const chatCases = {
    'no token': `${server.ws}/chat`,
    'empty token': `${server.ws}/chat?token=`,
    'garbage token': `${server.ws}/chat?token=${'A'.repeat(5000)}`,
    'claims edited (role→agent), old MAC': `${server.ws}/chat?token=${b64(asAgent)}.${chatToken.split('.')[1]}`,
    'signed with another secret': `${server.ws}/chat?token=${otherSecret('chat', asAgent)}`,
    'a PeerJS token as chat token': `${server.ws}/chat?token=${customer.welcome.peer.token}`,
    'token twice (?token=a&token=b)': `${server.ws}/chat?token=x&token=${chatToken}`,
  };
  for (const [name, url] of Object.entries(chatCases)) {
    const answer = await refused(url, chatErr);
    assert.equal(answer, 'unauthorized / 4401', name);
    row(`chat: ${name}`, 'chat', `error ${answer.replace(' / ', ', close ')}`);
  }
  const short = await startServer({ ttl: { customer: 1 } });
  try {
    const t = await createRoom(short);
    await sleep(20);
    assert.equal(await refused(`${short.ws}/chat?token=${encodeURIComponent(t.token)}`, chatErr), 'unauthorized / 4401');
    row('chat: expired token', 'chat', 'error unauthorized, close 4401');
  } finally {
    await short.close();
  }

  const other = await roomWithBoth(server);
  const cid = customer.welcome.peer.id;
  const peerCases = {
    'no token': peerUrl(server, { id: cid, token: '' }),
    'wrong key': peerUrl(server, { key: 'nope', id: cid, token: customer.welcome.peer.token }),
    'forged MAC': peerUrl(server, { id: cid, token: `${claims64}.${mac.slice(0, -2)}AA` }),
    'a chat token': peerUrl(server, { id: cid, token: chatToken }),
    "another peer's id, own token (id spoofing)": peerUrl(server, { id: agent.welcome.peer.id, token: customer.welcome.peer.token }),
    "another room's token with this room's id": peerUrl(server, { id: cid, token: other.customer.welcome.peer.token }),
    'an id the server never issued, own claims re-signed elsewhere': peerUrl(server, {
      id: 'AAAAAAAAAAAAAAAA',
      token: otherSecret('peer', { ...JSON.parse(Buffer.from(claims64, 'base64url').toString()), peer: 'AAAAAAAAAAAAAAAA' }),
    }),
  };
  for (const [name, url] of Object.entries(peerCases)) {
    const answer = await refused(url, peerErr);
    assert.equal(answer, 'unauthorized / 4401', name);
    row(`PeerJS: ${name}`, 'PeerJS', `ERROR ${answer.replace(' / ', ', close ')}`);
  }
  await healthy();
});

abuseTest('cross-room signalling and role abuse are refused and nothing is delivered', async () => {
  const a = await roomWithBoth(server);
  const b = await roomWithBoth(server);
  const pa = await peerjs(server, a.agent.welcome);
  const pb = await peerjs(server, b.customer.welcome);
  pa.send({ type: 'OFFER', dst: b.customer.welcome.peer.id, payload: { type: 'offer', sdp: 'x' } });
  const err = await pa.next('ERROR');
  assert.equal(err.payload.code, 'forbidden');
  assert.ok(await pb.none('OFFER', 300));
  row("PeerJS OFFER to another room's peer", 'PeerJS', 'ERROR forbidden, not relayed');
  pa.send({ type: 'OFFER', dst: 'not-an-issued-id', payload: {} });
  assert.equal((await pa.next('ERROR')).payload.code, 'forbidden');
  row('PeerJS OFFER to an id never issued', 'PeerJS', 'ERROR forbidden');

  a.agent.send({ type: 'signal', to: b.customer.welcome.peer.id, data: 'x' });
  assert.equal((await a.agent.next('error')).code, 'forbidden');
  assert.ok(await b.customer.none('signal', 200));
  row("chat signal to another room's peer", 'chat', 'error forbidden, not delivered');
  a.agent.send({ type: 'invite' });
  await a.customer.next('invite');
  a.agent.send({ type: 'accept', invitation: { peer: a.agent.welcome.peer.id, secret: 'A'.repeat(22) } });
  assert.equal((await a.agent.next('error')).code, 'forbidden');
  row('agent sends accept (customer-only)', 'chat', 'error forbidden');
  a.customer.send({ type: 'accept', invitation: { peer: b.customer.welcome.peer.id, secret: 'A'.repeat(22) } });
  assert.equal((await a.customer.next('error')).code, 'forbidden');
  row("customer accepts with another room's peer id", 'chat', 'error forbidden');
  a.agent.send({ type: 'decline' });
  assert.equal((await a.agent.next('error')).code, 'forbidden');
  row('decline of your own invitation', 'chat', 'error forbidden');
  await healthy();
});

abuseTest("spoofing: `from` in chat and `src` in PeerJS are always the server's", async () => {
  const { customer, agent } = await roomWithBoth(server);
  const fake = { role: 'agent', name: 'Supervisor', peer: agent.welcome.peer.id };
  customer.send({ type: 'text', text: 'trust me', from: fake, at: 0, id: 1 });
  const t = await agent.next('text');
  assert.deepEqual(t.from, { role: 'customer', name: 'Carol', peer: customer.welcome.peer.id });
  assert.notEqual(t.id, 1);
  row('chat text with a spoofed `from`/`at`/`id`', 'chat', 'relayed, stamped with the real sender');
  customer.send({ type: 'signal', to: agent.welcome.peer.id, data: 'sdp', from: fake });
  assert.equal((await agent.next('signal')).from.role, 'customer');
  row('chat signal with a spoofed `from`', 'chat', 'delivered, real `from`');

  const pc = await peerjs(server, customer.welcome);
  const pa = await peerjs(server, agent.welcome);
  pc.send({ type: 'OFFER', src: agent.welcome.peer.id, dst: agent.welcome.peer.id, payload: { type: 'offer', sdp: 's' } });
  assert.equal((await pa.next('OFFER')).src, customer.welcome.peer.id);
  row('PeerJS OFFER with a spoofed `src`', 'PeerJS', 'relayed with the real `src`');

  // the same (id, token) on a second socket: PeerJS's reconnect path. Only the holder of that
  // connection's token can do it; the new socket takes the id over (no OPEN), the old one stops getting
  // messages. Nobody else can: another peer's id with your token is refused (test "tokens").
  const twin = client(peerUrl(server, customer.welcome.peer));
  await twin.opened;
  await sleep(100);
  pa.send({ type: 'ANSWER', dst: customer.welcome.peer.id, payload: { type: 'answer', sdp: 'a' } });
  assert.equal((await twin.next('ANSWER')).src, agent.welcome.peer.id);
  assert.ok(await pc.none('ANSWER', 200));
  row('a second PeerJS socket with the same id+token', 'PeerJS', 'takes the id over (PeerJS reconnect); needs that token');
  twin.close();
  await healthy();
});

abuseTest('a client that never reads is dropped once 4 MB are queued for it; memory stays bounded', async () => {
  const s = await startServer({ limits: { burst: 2000, perSecond: 2000 } }); // rate out of the way: this is about buffering
  try {
    const { room, token } = await createRoom(s);
    const sender = await chat(s, token);
    const victim = await chat(s, token);
    victim.ws.pause(); // stops reading: the kernel buffers fill, then the server's
    await sender.next((m) => m.type === 'join');
    const data = 'x'.repeat(60 * 1024);
    const rss0 = process.memoryUsage().rss;
    let sent = 0;
    let peakRss = 0;
    const left = sender.next((m) => m.type === 'leave' && m.from.peer === victim.welcome.peer.id, 30_000);
    let gone = false;
    left.then(
      () => (gone = true),
      () => {},
    );
    while (!gone && sent < 2000) {
      sender.send({ type: 'signal', to: victim.welcome.peer.id, data });
      sent += 1;
      if (sent % 20 === 0) {
        await sleep(10);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    }
    await left;
    const mb = (sent * data.length) / 1e6;
    assert.ok(sent < 2000, 'the victim was dropped before 120 MB were sent to it');
    assert.ok(
      s.logs.some((l) => l.includes('client not reading')),
      s.logs.join('\n'),
    );
    assert.equal(s.store.get(room).members.size, 1);
    const growth = (peakRss - rss0) / 1e6;
    console.log(
      `slow reader (chat): dropped after ${mb.toFixed(1)} MB addressed to it; RSS growth of the (shared test) process ${growth.toFixed(1)} MB`,
    );
    row(
      'chat socket that never reads',
      'chat',
      `dropped (1006) after ${mb.toFixed(1)} MB sent to it (4 MB server-side cap + kernel buffers)`,
    );

    // the same through PeerJS
    const { customer, agent } = await roomWithBoth(s);
    const pa = await peerjs(s, agent.welcome);
    const pc = await peerjs(s, customer.welcome);
    pc.ws.pause();
    const pcClosed = s.logs.length;
    let n = 0;
    while (n < 2000 && !s.logs.slice(pcClosed).some((l) => l.includes('peerjs socket: dropped'))) {
      pa.send({ type: 'CANDIDATE', dst: customer.welcome.peer.id, payload: data });
      n += 1;
      if (n % 20 === 0) await sleep(10);
    }
    assert.ok(n < 2000, 'the PeerJS reader was dropped');
    row('PeerJS socket that never reads', 'PeerJS', `dropped (1006) after ${((n * data.length) / 1e6).toFixed(1)} MB sent to it`);
    await healthy(s);
  } finally {
    await s.close();
  }
  await healthy();
});

abuseTest('half HTTP upgrades and raw TCP junk: held without harm; bad upgrades get HTTP errors', async () => {
  const raw = (bytes) =>
    new Promise((resolve) => {
      const sock = net.connect(server.port, '127.0.0.1', () => sock.write(bytes));
      let out = '';
      sock.on('data', (d) => (out += d));
      sock.on('error', () => {});
      sock.on('close', () => resolve(out.split('\r\n')[0] || '(closed, no answer)'));
      setTimeout(() => (sock.destroy(), resolve(out.split('\r\n')[0] || '(no answer in 2 s)')), 2000);
    });
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const cases = {
    'non-HTTP bytes': '\x16\x03\x01\x02\x00garbage\r\n\r\n',
    'upgrade on an unknown path': `GET /nope HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    'upgrade without Sec-WebSocket-Key':
      'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n',
    'upgrade with version 99': `GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 99\r\n\r\n`,
    'header of 100 KB': `GET /chat HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(100_000)}\r\n\r\n`,
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const answer = await raw(bytes);
    assert.match(answer, /^HTTP\/1\.1 4\d\d|closed/, name);
    row(`TCP: ${name}`, 'HTTP', answer);
  }
  // 300 sockets that send half an upgrade request and stall (slowloris)
  const held = [];
  for (let i = 0; i < 300; i++) {
    const sock = net.connect(server.port, '127.0.0.1', () => sock.write('GET /chat?token=x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n'));
    sock.on('error', () => {});
    held.push(sock);
  }
  await sleep(300);
  await healthy();
  const open = held.filter((s) => !s.destroyed && s.readyState === 'open').length;
  assert.equal(open, 300, 'the half upgrades were still held while the pair was served');
  row(
    '300 half upgrade requests held open',
    'HTTP',
    `${open} held open; a healthy pair served alongside (when they are dropped: the slow test, HARD_SLOW=1)`,
  );
  for (const s of held) s.destroy();
});

abuseTest('half upgrade requests are dropped by the HTTP server (slow: HARD_SLOW=1)', { skip: !process.env.HARD_SLOW }, async () => {
  const t0 = Date.now();
  const sock = net.connect(server.port, '127.0.0.1', () => sock.write('GET /chat HTTP/1.1\r\nHost: x\r\n'));
  let answer = '';
  sock.on('data', (d) => (answer += d));
  sock.on('error', () => {});
  // Node's headersTimeout (60 s, checked every 30 s) should drop it; 180 s is only a hang watchdog
  const WATCHDOG_S = 180;
  const closed = await Promise.race([
    new Promise((resolve) => sock.on('close', () => resolve(true))),
    sleep(WATCHDOG_S * 1000).then(() => false),
  ]);
  sock.destroy();
  const s = (Date.now() - t0) / 1000;
  const status = answer.split('\r\n')[0] || 'no answer';
  assert.ok(closed, `a half upgrade request was still open after ${WATCHDOG_S} s`);
  assert.match(status, /^HTTP\/1\.1 408/, 'dropped with 408 Request Timeout');
  console.log(`half upgrade: dropped after ${s.toFixed(1)} s with ${status}`);
  row('half upgrade request (slowloris), waited for', 'HTTP', `dropped after ${s.toFixed(0)} s with ${status}`);
});

abuseTest('many sockets from one client: 32 chat sockets per room, then `unavailable` and close 4503', async () => {
  const { room, token } = await createRoom(server);
  const socks = [];
  for (let i = 0; i < 32; i++) socks.push(await chat(server, token));
  const answer = await refused(`${server.ws}/chat?token=${encodeURIComponent(token)}`, chatErr);
  assert.equal(answer, 'unavailable / 4503');
  assert.equal(server.store.get(room).members.size, 32);
  row('33rd chat socket in one room (one token)', 'chat', `error ${answer.replace(' / ', ', close ')}`);
  for (const c of socks) c.close();
  // 400 sockets across 20 rooms from the same address: all served, the server keeps serving
  const many = [];
  for (let r = 0; r < 20; r++) {
    const t = await createRoom(server);
    for (let i = 0; i < 20; i++) many.push(client(`${server.ws}/chat?token=${encodeURIComponent(t.token)}`));
  }
  await Promise.all(many.map((c) => c.next('welcome', 10_000)));
  await healthy();
  row('400 chat sockets from one address (20 rooms)', 'chat', 'all welcomed; no per-address cap (see README)');
  for (const c of many) c.close();
});
