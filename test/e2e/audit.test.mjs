// End to end with the store on: the demo's real pages in two browser contexts, a real co-browse, and
// the audit log the server keeps of it (server/STORE.md), read back through the admin CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDemo, startCobrowse, until } from './flow.mjs';

const dir = mkdtempSync(join(tmpdir(), 'cobrowse-audit-e2e-'));
let t;
before(async () => {
  t = await openDemo({ demo: { audit: { dataDir: dir, createKey: true, flushMs: 100 } } });
});
after(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a co-browse in the browser is in the audit log: join, invite, accept with the mask, viewing, end', async () => {
  const { customer, agent, demo } = t;
  await until(
    () =>
      customer
        .locator('#chat-state')
        .textContent()
        .then((s) => s === 'online'),
    'the customer chat',
  );
  await customer.fill('#chat-input', 'audit-canary: where is my parcel?');
  await customer.press('#chat-input', 'Enter');
  await startCobrowse(t);
  await agent.click('cobrowse-viewer [part=end-button]');
  const audit = demo.signaling.audit;
  const kinds = () => audit.events().map((e) => e.kind);
  await until(() => kinds().includes('cobrowse.ended'), 'the end in the audit log');
  const events = audit.events();
  for (const k of [
    'room.created',
    'participant.joined',
    'chat.text',
    'cobrowse.invited',
    'cobrowse.accepted',
    'cobrowse.viewing',
    'cobrowse.ended',
  ]) {
    assert.ok(kinds().includes(k), `${k} recorded; got ${kinds().join(', ')}`);
  }
  const accepted = events.find((e) => e.kind === 'cobrowse.accepted');
  assert.deepEqual(accepted.data.mask, { text: ['#address', 'input[type=email]'], inputs: 'sensitive' }, "the demo's masking rules");
  const viewing = events.find((e) => e.kind === 'cobrowse.viewing');
  assert.equal(viewing.data.viewer.role, 'agent');
  assert.equal(viewing.data.session, accepted.data.session, 'the agent dialled the accepted session');
  assert.equal(viewing.data.sharer.peer, accepted.data.sharer);
  await audit.flush();
  assert.equal(readFileSync(join(dir, 'signaling.db')).includes('audit-canary'), false);
  const out = execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../server/admin.mjs', import.meta.url)), 'audit', '--data-dir', dir],
    { encoding: 'utf8' },
  );
  assert.match(out, /masking: text \[#address, input\[type=email\]\]; inputs sensitive/);
  assert.match(out, /agent "[^"]+" started viewing session \d+/);
});
