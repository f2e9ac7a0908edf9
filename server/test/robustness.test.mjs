import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, roomWithBoth, peerjs, createRoom, chat, sleep } from '../test-support/helpers.mjs';

let server;
before(async () => {
  server = await startServer({ limits: { burst: 20, perSecond: 10, maxStrikes: 30 } });
});
after(() => server.close());

test('chat: a non-JSON frame gets a malformed error, the socket stays open, others are served', async () => {
  const { customer, agent } = await roomWithBoth(server);
  for (const junk of ['{not json', 'null', '[1,2]', '{"type":7}', '{"type":"nope"}', '{"type":"text"}']) {
    customer.send(junk);
    const err = await customer.next('error');
    assert.equal(err.code, 'malformed', junk);
    assert.equal(typeof err.message, 'string');
  }
  customer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  assert.equal((await customer.next('error')).code, 'malformed');
  customer.send({ type: 'text', text: 'still here' });
  assert.equal((await agent.next('text')).text, 'still here');
});

test('PeerJS: a non-JSON frame is stopped before PeerJS parses it; the server keeps relaying', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const a = await peerjs(server, agent.welcome);
  const c = await peerjs(server, customer.welcome);
  for (const junk of ['not json at all', 'null', '5', '"str"', '{"type":null}', '{"type":"OFFER"}']) {
    a.send(junk);
    const err = await a.next('ERROR');
    assert.equal(err.payload.code, 'malformed', junk);
  }
  // PeerJS itself never saw them: it would have emitted 'error' (logged as "peerjs: error")
  assert.ok(!server.logs.some((l) => l.startsWith('peerjs: error')), server.logs.join('\n'));
  a.send({ type: 'OFFER', dst: customer.welcome.peer.id, payload: { type: 'offer', sdp: 'after junk' } });
  assert.equal((await c.next('OFFER')).payload.sdp, 'after junk');
  // and a brand-new pair in another room works too
  const other = await roomWithBoth(server);
  const oa = await peerjs(server, other.agent.welcome);
  const oc = await peerjs(server, other.customer.welcome);
  oa.send({ type: 'OFFER', dst: other.customer.welcome.peer.id, payload: { type: 'offer', sdp: 'fresh' } });
  assert.equal((await oc.next('OFFER')).payload.sdp, 'fresh');
});

test('oversized: clear too-large errors under the frame cap, close 1009 above it', async () => {
  const { customer, agent } = await roomWithBoth(server);
  customer.send({ type: 'text', text: 'é'.repeat(2100) }); // 4200 bytes > 4096
  const err = await customer.next('error');
  assert.equal(err.code, 'too-large');
  assert.match(err.message, /4096/);
  customer.send({ type: 'signal', to: agent.welcome.peer.id, data: 'x'.repeat(64 * 1024 + 1) });
  assert.equal((await customer.next('error')).code, 'too-large');
  customer.send({ type: 'invite', padding: 'x'.repeat(20_000) });
  assert.equal((await customer.next('error')).code, 'too-large');
  customer.send({ type: 'text', text: 'x'.repeat(4096) });
  assert.equal((await agent.next('text')).text.length, 4096, 'exactly at the limit passes');

  const p = await peerjs(server, agent.welcome);
  p.send({ type: 'OFFER', dst: customer.welcome.peer.id, payload: { sdp: 'x'.repeat(70_000) } });
  assert.equal((await p.next('ERROR')).payload.code, 'too-large');

  customer.send('x'.repeat(300 * 1024)); // over maxPayload: ws closes without reading it
  assert.equal((await customer.closed).code, 1009);
  agent.send({ type: 'text', text: 'server fine' });
  assert.equal((await agent.next('text')).text, 'server fine');
});

test('flood: one rate-limited error per stretch, then the abuser is closed (4429); logged once', async () => {
  const { customer, agent } = await roomWithBoth(server);
  for (let i = 0; i < 45; i++) customer.send({ type: 'text', text: `flood ${i}` });
  const err = await customer.next('error');
  assert.equal(err.code, 'rate-limited');
  await sleep(100);
  assert.equal(customer.inbox.filter((m) => m.type === 'error').length, 0, 'one error for the stretch, not one per frame');
  const delivered = agent.inbox.filter((m) => m.type === 'text').length;
  assert.ok(delivered >= 20 && delivered <= 23, `burst of 20 passes (${delivered})`);
  for (let i = 0; i < 40; i++) customer.send({ type: 'text', text: 'more' });
  assert.equal((await customer.closed).code, 4429);
  const lines = server.logs.filter((l) => l.includes(customer.welcome.peer.id) && l.includes('rate-limited'));
  assert.equal(lines.length, 1, 'logged once per socket');
  // the agent is not affected
  agent.send({ type: 'text', text: 'ok' });
  assert.equal((await agent.next((m) => m.text === 'ok')).text, 'ok');
});

test('PeerJS flood is rate limited too', async () => {
  const { customer, agent } = await roomWithBoth(server);
  const a = await peerjs(server, agent.welcome);
  for (let i = 0; i < 30; i++) a.send({ type: 'CANDIDATE', dst: customer.welcome.peer.id, payload: {} });
  assert.equal((await a.next('ERROR')).payload.code, 'rate-limited');
  for (let i = 0; i < 60; i++) a.send({ type: 'HEARTBEAT' });
  assert.equal((await a.closed).code, 4429);
});

test('repeated bad frames close the socket (4408), each reason logged once', async () => {
  const strict = await startServer({ limits: { maxStrikes: 10 } });
  try {
    const { customer } = await roomWithBoth(strict);
    for (let i = 0; i < 9; i++) customer.send('junk');
    await customer.next((m) => m.type === 'error' && customer.inbox.length === 8);
    assert.ok(!customer.isClosed);
    customer.send({ type: 'nope' });
    assert.equal((await customer.closed).code, 4408);
    const lines = strict.logs.filter((l) => l.includes(customer.welcome.peer.id));
    assert.equal(lines.filter((l) => l.includes('(malformed)')).length, 1, lines.join('\n'));
  } finally {
    await strict.close();
  }
});

test('`node server/bin.mjs` starts, serves, and survives junk', async () => {
  const script = fileURLToPath(new URL('../bin.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: '0', AGENT_KEY: 'k' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const cli = { url, ws: url.replace(/^http/, 'ws'), peerKey: 'peerjs' };
    const { room, token } = await createRoom(cli);
    const customer = await chat(cli, token);
    const p = await peerjs(cli, customer.welcome);
    p.send('definitely not json');
    await p.next('ERROR');
    const res = await fetch(`${url}/api/rooms`, { headers: { authorization: 'Bearer k' } });
    assert.equal((await res.json())[0].room, room);
    assert.equal(child.exitCode, null);
  } finally {
    child.kill();
  }
});
