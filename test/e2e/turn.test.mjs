// TURN, end to end: Debian's coturn on 127.0.0.1 (a free port, a temp folder, a random shared secret),
// the demo and its signaling server configured with that secret and coturn's URL, so each chat welcome
// carries ephemeral TURN credentials; the customer and agent pages opened with `?relay=1`
// (`iceTransportPolicy: 'relay'`: no host candidates at all), two browser contexts, the real session.
// Proved by what the browsers report: the page is mirrored, and getStats on both ends says the
// selected candidate pair is relay ↔ relay. With a secret coturn does not know, nothing connects.
// Without turnserver installed these tests FAIL (CI installs coturn): they do not skip.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { converge, startCobrowse, until } from './flow.mjs';
import { startCoturn } from './coturn.mjs';
import { openTurnDemo, selectedPairs } from './turn-demo.mjs';

describe('TURN: co-browse through Debian coturn on 127.0.0.1, relay only', () => {
  const secret = randomBytes(24).toString('base64url');
  let coturn;
  const timings = {};

  before(async () => {
    coturn = await startCoturn({ secret });
  });

  after(async () => {
    const line = Object.entries(timings).map(([k, v]) => `${k} ${v.map((ms) => `${Math.round(ms)} ms`).join(' / ')}`);
    if (line.length) console.log(`RTCPeerConnection created → connected (sharer / viewer): ${line.join('; ')}`);
    await coturn?.close();
  });

  it('mirrors the page over a relayed data channel: both ends select a relay ↔ relay pair via coturn', async () => {
    const t = await openTurnDemo({ secret, urls: [coturn.url] }, '?relay=1');
    try {
      await startCobrowse(t);
      await converge(t, 'the first snapshot to match');
      await t.customer.fill('input[name=name]', 'Relayed Hanako');
      await t.customer.evaluate(() => window.scrollTo(0, 300));
      await converge(t, 'typing and scrolling to follow over the relay');
      assert.equal(
        await t.agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=name]').value),
        'Relayed Hanako',
      );

      const ends = { sharer: await t.customer.evaluate(selectedPairs), viewer: await t.agent.evaluate(selectedPairs) };
      for (const [side, pairs] of Object.entries(ends)) {
        assert.equal(pairs.length, 1, `${side}: one connected RTCPeerConnection (${JSON.stringify(pairs)})`);
        const [p] = pairs;
        assert.equal(p.config.iceTransportPolicy, 'relay', `${side}: the page asked for relay only`);
        const turnServer = p.config.iceServers.find((s) => s.username);
        assert.deepEqual(turnServer.urls, [coturn.url], `${side}: the TURN server came from the signaling server, with the accepted share`);
        assert.match(turnServer.username, /^\d+:[A-Za-z0-9_-]{16}$/, `${side}: an ephemeral username`);
        assert.equal(p.state, 'succeeded', `${side}: the selected pair`);
        assert.equal(p.local.type, 'relay', `${side}: local candidate ${JSON.stringify(p.local)}`);
        assert.equal(p.remote.type, 'relay', `${side}: remote candidate ${JSON.stringify(p.remote)}`);
        assert.equal(p.local.relayProtocol, 'udp', `${side}: allocated over UDP`);
        assert.equal(p.local.address, '127.0.0.1', `${side}: the relayed address is coturn's`);
        assert.ok(p.bytesSent > 0 && p.bytesReceived > 0, `${side}: data went through the pair`);
      }
      timings.relay = [ends.sharer[0].connectedAfter, ends.viewer[0].connectedAfter];
      assert.deepEqual(t.pageErrors, []);
    } finally {
      await t.close();
    }
  });

  it('with the TURN server configured but not required, the direct path is still chosen', async () => {
    const t = await openTurnDemo({ secret, urls: [coturn.url] }, '');
    try {
      await startCobrowse(t);
      await converge(t, 'the first snapshot to match');
      const ends = { sharer: await t.customer.evaluate(selectedPairs), viewer: await t.agent.evaluate(selectedPairs) };
      for (const [side, pairs] of Object.entries(ends)) {
        assert.equal(pairs.length, 1, side);
        assert.equal(pairs[0].config.iceTransportPolicy, undefined, `${side}: default policy`);
        assert.ok(
          pairs[0].config.iceServers.some((s) => s.username),
          `${side}: TURN offered`,
        );
        assert.equal(pairs[0].local.type, 'host', `${side}: a host candidate wins (${JSON.stringify(pairs[0].local)})`);
      }
      timings.host = [ends.sharer[0].connectedAfter, ends.viewer[0].connectedAfter];
    } finally {
      await t.close();
    }
  });

  it('the hardening of server/PROTOCOL.md (denied-peer-ip for loopback, private and link-local ranges) stops the relay to 127.0.0.1', async () => {
    // the same coturn as above, plus the production ACL: relaying to loopback is refused even though
    // --allow-loopback-peers (which only the tests use) is on
    const hardened = await startCoturn({
      secret,
      extraArgs: [
        '--no-multicast-peers',
        '--denied-peer-ip=127.0.0.0-127.255.255.255',
        '--denied-peer-ip=10.0.0.0-10.255.255.255',
        '--denied-peer-ip=169.254.0.0-169.254.255.255',
      ],
    });
    const t = await openTurnDemo({ secret, urls: [hardened.url] }, '?relay=1');
    try {
      await until(
        () =>
          t.customer
            .locator('#chat-state')
            .textContent()
            .then((s) => s === 'online'),
        'the customer chat',
      );
      await t.agent.locator('#rooms button').first().click({ timeout: 15_000 });
      await t.agent.locator('#chat').waitFor({ state: 'visible' });
      await t.agent.click('#invite');
      // the credentials are good (allocations succeed); the permission to reach a 127.0.0.1 peer is not
      await until(
        () => /peer IP 127\.0\.0\.1 denied in the range: 127\.0\.0\.0-127\.255\.255\.255/.test(hardened.log()),
        'coturn to refuse a loopback peer',
        30_000,
      );
      await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'ended'), 'the viewing session to end', 45_000);
      const everConnected = await Promise.all(
        [t.customer, t.agent].map((p) => p.evaluate(() => window.__peerConnections.some((r) => r.connectedAfter !== null))),
      );
      assert.deepEqual(everConnected, [false, false], 'no RTCPeerConnection connected through the hardened relay');
    } finally {
      await t.close();
      await hardened.close();
    }
  });

  it('with a secret coturn does not share: 401 from the relay, relay-only never connects, the session ends', async () => {
    const t = await openTurnDemo({ secret: `${secret}-not-coturns`, urls: [coturn.url] }, '?relay=1');
    try {
      await until(
        () =>
          t.customer
            .locator('#chat-state')
            .textContent()
            .then((s) => s === 'online'),
        'the customer chat',
      );
      await t.agent.locator('#rooms button').first().click({ timeout: 15_000 });
      await t.agent.locator('#chat').waitFor({ state: 'visible' });
      await t.agent.click('#invite');
      // the customer's page starts the session at once (signaling only: nothing is captured before
      // the customer approves a viewer, and that dialog comes only with a viewer's handshake)
      // both sides try: coturn refuses their credentials (401 Unauthorized), so there is no candidate
      for (const [side, page] of [
        ['sharer', t.customer],
        ['viewer', t.agent],
      ]) {
        const errors = await until(
          () => page.evaluate(() => window.__peerConnections.flatMap((r) => r.errors)).then((e) => e.length > 0 && e),
          `${side}: the TURN server to refuse the credentials`,
        );
        assert.ok(
          errors.every((e) => e.code === 401),
          `${side}: ${JSON.stringify(errors)}`,
        );
      }
      // the viewer gives up (the transport's connect timeout or the handshake's, whichever first), bounded
      await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'ended'), 'the viewing session to end', 45_000);
      const everConnected = await Promise.all(
        [t.customer, t.agent].map((p) => p.evaluate(() => window.__peerConnections.some((r) => r.connectedAfter !== null))),
      );
      assert.deepEqual(everConnected, [false, false], 'no RTCPeerConnection ever connected');
      assert.equal(
        await t.customer.locator('cobrowse-consent [part~=allow]').isVisible(),
        false,
        'no viewer to approve ever reached the customer',
      );
      const shown = await t.agent.locator('cobrowse-viewer [part=state]').textContent();
      assert.match(shown, /ended/i, 'the agent console says it ended');
      assert.ok(await t.agent.locator('cobrowse-viewer [part=message]').isVisible(), 'and what to do');
      console.log(`relay-only with a wrong TURN secret: the agent console shows "${shown}"`);
    } finally {
      await t.close();
    }
  });
});
