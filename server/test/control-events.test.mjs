// Remote control in the room and the audit log (issue 16, item 6): the customer's page reports each
// control event (requested, granted, denied, ended, refused — with why) about an agent of the room;
// the room hears it, the audit log keeps it, and nothing the agent typed can ride along. Through the
// real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startServer, createRoom, chat } from '../test-support/helpers.mjs';
import { importSignaling } from '../test-support/build.mjs';

let server;
let dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cobrowse-control-'));
  server = await startServer({ audit: { dataDir: dir, createKey: true, flushMs: 20 } });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A room with an active share: the customer, the agent who asked, a supervisor. */
async function sharing() {
  const { room, token } = await createRoom(server, 'Carol');
  const customer = await chat(server, token);
  const agent = await chat(server, server.agentToken(room, 'Alice'));
  const supervisor = await chat(server, server.agentToken(room, 'Sam'));
  agent.send({ type: 'invite' });
  await customer.next('invite');
  customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
  await agent.next('accept');
  return { room, customer, agent, supervisor };
}

const closeAll = (...clients) => clients.forEach((c) => c.close());

test('each control event reaches the room and the audit log, with who and why', async () => {
  const { room, customer, agent, supervisor } = await sharing();
  const peer = agent.welcome.peer.id;
  const sent = [
    { event: 'requested' },
    { event: 'granted' },
    { event: 'refused', action: 'key', reason: 'private' },
    { event: 'ended', reason: 'revoked' },
  ];
  for (const e of sent) customer.send({ type: 'control', viewer: peer, ...e });
  for (const e of sent) {
    const got = await supervisor.next('control');
    assert.deepEqual(
      { event: got.event, viewer: got.viewer, reason: got.reason, action: got.action },
      { reason: undefined, action: undefined, viewer: peer, ...e },
    );
    assert.equal(got.from.role, 'customer', 'stamped with the sender as the server knows it');
  }
  const events = server.audit.events({ room }).filter((e) => e.kind === 'cobrowse.control');
  assert.deepEqual(
    events.map((e) => [e.data.event, e.data.viewer, e.data.reason ?? null, e.data.action ?? null]),
    sent.map((e) => [e.event, peer, e.reason ?? null, e.action ?? null]),
  );
  assert.equal(events[0].data.by.role, 'customer');
  closeAll(customer, agent, supervisor);
});

test('refused: from an agent, without a share, about someone not an agent of the room, or with any other field', async () => {
  const { customer, agent, supervisor } = await sharing();
  const peer = agent.welcome.peer.id;
  const refused = async (client, frame, code) => {
    client.send(frame);
    const err = await client.next('error');
    assert.equal(err.code, code, `${JSON.stringify(frame)} → ${err.code}: ${err.message}`);
  };
  // an agent cannot claim it was granted control
  await refused(agent, { type: 'control', viewer: peer, event: 'granted' }, 'forbidden');
  // the customer's own peer id, or a made-up one, is not an agent of this room
  await refused(customer, { type: 'control', viewer: customer.welcome.peer.id, event: 'granted' }, 'forbidden');
  await refused(customer, { type: 'control', viewer: 'nobody', event: 'granted' }, 'forbidden');
  // what the agent typed can never ride along: any other field is refused
  await refused(
    customer,
    { type: 'control', viewer: peer, event: 'refused', action: 'key', reason: 'private', value: '4111' },
    'malformed',
  );
  await refused(customer, { type: 'control', viewer: peer, event: 'refused', reason: 'This field is 4111' }, 'malformed');
  await refused(customer, { type: 'control', viewer: peer, event: 'taken' }, 'malformed');
  await refused(customer, { type: 'control', viewer: peer, event: 'granted', action: 'key' }, 'malformed');
  customer.send({ type: 'end' });
  await agent.next('end');
  await refused(customer, { type: 'control', viewer: peer, event: 'granted' }, 'conflict');
  closeAll(customer, agent, supervisor);
});

test('reference chat client: control() reports, every participant hears it (oncontrol)', async () => {
  const sig = await importSignaling();
  const { room, token } = await createRoom(server, 'Carol');
  const customer = await sig.connectReferenceChat({ url: server.url, token, WebSocket });
  const agent = await sig.connectReferenceChat({ url: server.url, token: server.agentToken(room, 'Alice'), WebSocket });
  const invited = new Promise((r) => (customer.oninvite = r));
  agent.invite();
  await invited;
  const accepted = new Promise((r) => (agent.onaccept = r));
  customer.accept({ peer: customer.welcome.peer.id, secret: Buffer.alloc(16, 7).toString('base64url') });
  await accepted;
  const heard = new Promise((r) => (agent.oncontrol = r));
  customer.control({ event: 'refused', viewer: agent.welcome.peer.id, reason: 'private', action: 'key' });
  const got = await heard;
  assert.deepEqual([got.event, got.viewer, got.reason, got.action], ['refused', agent.welcome.peer.id, 'private', 'key']);
  assert.equal(got.from.role, 'customer');
  customer.close();
  agent.close();
});
