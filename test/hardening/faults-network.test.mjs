// Fault: the network path under a live co-browse goes away and another one appears (a network change:
// Wi-Fi to cable, a NAT rebinding, a relay restarting). Both pages are relay-only through Debian's
// coturn on 127.0.0.1 (as in test/e2e/turn.test.mjs), so the path is a thing this test can break
// without privileges: coturn is stopped (every allocation, so the selected candidate pair, is gone),
// the customer keeps working, coturn starts again on the same port (a path exists again, but only a
// new ICE negotiation can find it). Figures: when each side noticed, how long after the path came
// back the agent's view matched the page again, and whether the same data channel survived (an ICE
// restart) or the session redialed through the chat (the viewer drops a link that ICE brought back
// but that carries nothing: src/session/link-check.ts). Nothing the customer did may be lost: the
// marks it makes during the outage are counted in the agent's view, and the delta frames the agent
// never applied (made good by a snapshot) are counted from its frame log (test/hardening/fault-count.mjs).
// FAULT_DEBUG=1 prints both ends' ICE state changes, in ms after the path came back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { converge, startCobrowse, until } from '../e2e/flow.mjs';
import { startCoturn } from '../e2e/coturn.mjs';
import { openTurnDemo } from '../e2e/turn-demo.mjs';
import { frameCount, makeMarks, marksInMirror, recordFrames } from './fault-count.mjs';

/** In a page: ICE state of each recorded RTCPeerConnection, oldest first. */
const iceStates = () => window.__peerConnections.map(({ pc }) => pc.iceConnectionState);

describe('fault: the network path changes under a live session (relay restarted)', () => {
  const secret = randomBytes(24).toString('base64url');
  let coturn;
  let t;

  before(async () => {
    coturn = await startCoturn({ secret });
    t = await openTurnDemo({ secret, urls: [coturn.url] }, '?relay=1');
    await startCobrowse(t);
    await converge(t, 'the first page over the relay');
  });
  after(async () => {
    console.log(
      `\n| fault | noticed after | converged after the path came back | whole outage | how | delta frames lost (made good by a snapshot) | changes made during the outage: arrived / lost |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}`,
    );
    await t?.close();
    await coturn?.close();
  });

  const rows = [];
  for (const [label, downMs] of [
    ['at once', 0],
    ['6 s later', 6000],
  ]) {
    it(`a new path ${label} after the loss is noticed: the view converges again, nothing done meanwhile is lost`, async () => {
      const n = rows.length;
      const before = { customer: await t.customer.evaluate(iceStates), agent: await t.agent.evaluate(iceStates) };
      assert.deepEqual(
        [before.customer.at(-1), before.agent.at(-1)].map((s) => s === 'connected' || s === 'completed'),
        [true, true],
        JSON.stringify(before),
      );
      await recordFrames(t.agent);
      const port = coturn.port;
      const t0 = Date.now();
      await coturn.close();
      coturn = null;
      // the customer goes on working while the path is gone
      const marks = await makeMarks(t.customer, `outage${n}`, 10);
      await t.customer.fill('input[name=name]', `typed while the network changed ${n}`);
      await t.customer.evaluate(() => {
        for (let i = 0; i < 20; i++) document.querySelector('#ticker').textContent = `during the outage ${i}`;
        window.scrollTo(0, 250);
      });
      // an end notices (consent checks stop being answered) on the connection in use (the newest)
      await until(
        async () => {
          const states = [(await t.customer.evaluate(iceStates)).at(-1), (await t.agent.evaluate(iceStates)).at(-1)];
          return states.some((s) => s === 'disconnected' || s === 'failed' || s === 'closed');
        },
        'an end to notice the lost path',
        40_000,
      );
      const noticed = Date.now() - t0;
      await t.customer.fill('input[name=email]', `after-notice-${n}@example.com`);
      // a longer outage: the restarts made meanwhile find no path, later ones must be tried
      await new Promise((r) => setTimeout(r, downMs));
      // a path exists again: coturn on the same port, allocations to be made anew
      coturn = await startCoturn({ secret, port });
      const t1 = Date.now();
      if (process.env.FAULT_DEBUG) {
        // when data moves again: the agent's data channel message count, every 50 ms
        await t.agent.evaluate(() => {
          window.__dcLog = [];
          let last = -1;
          const poll = async () => {
            const rec = window.__peerConnections.at(-1);
            const stats = await rec.pc.getStats();
            stats.forEach((st) => {
              if (st.type === 'data-channel' && st.messagesReceived !== last) {
                window.__dcLog.push([Math.round(performance.timeOrigin + performance.now()), st.messagesReceived]);
                last = st.messagesReceived;
              }
            });
            if (window.__dcLog.length < 40) setTimeout(poll, 50);
          };
          poll();
        });
      }
      await converge(t, 'after the network change', 45_000);
      const back = Date.now() - t1;
      if (process.env.FAULT_DEBUG) {
        const log = async (page) =>
          (await page.evaluate(() => window.__peerConnections.map((r) => r.ice))).map((l) =>
            l.map(([at, st]) => `${at - t1}:${st}`).join(' '),
          );
        console.log(`ice (ms after the path came back) customer: ${await log(t.customer)} | agent: ${await log(t.agent)}`);
        const dc = await t.agent.evaluate(() => window.__dcLog);
        console.log(
          `agent data channel messages received (ms after the path came back:count): ${dc.map(([at, n]) => `${at - t1}:${n}`).join(' ')}`,
        );
      }
      const after = { customer: await t.customer.evaluate(iceStates), agent: await t.agent.evaluate(iceStates) };
      const sameChannel = after.agent.length === before.agent.length && after.customer.length === before.customer.length;
      assert.equal(await t.agent.evaluate(() => window.cobrowseViewing.state), 'connected');
      assert.equal(
        await t.agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=name]').value),
        `typed while the network changed ${n}`,
      );
      const found = await marksInMirror(t.agent, `outage${n}`);
      assert.deepEqual(found, marks, `changes made during the outage, in the agent's view: ${found.length} of ${marks.length}`);
      const frames = await frameCount(t.agent);
      rows.push(
        `| relay path lost; a new one ${label} (coturn stopped, restarted on its port) | ${noticed} ms | ${back} ms | ${Date.now() - t0} ms | ` +
          `${sameChannel ? 'ICE restart, same data channel' : `redial through the chat (peer connections: customer ${before.customer.length}→${after.customer.length}, agent ${before.agent.length}→${after.agent.length})`} | ` +
          `${frames.lost} (${frames.applied} applied, ${frames.snapshots} snapshots) | ${found.length} / ${marks.length - found.length} |`,
      );
      assert.deepEqual(t.pageErrors, []);
    });
  }
});
