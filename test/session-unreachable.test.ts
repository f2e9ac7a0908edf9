// A viewer whose sharer cannot be reached says so (issue 13, item 3): a first connection to an
// address nobody answers ends with `unreachable` once `handshakeTimeout` has passed — not after the
// data channel's own connect timeout (30 s) nor the reconnect timeout. Real RTCPeerConnections and
// real signaling (the chat adapter over an in-page chat room); a generous watchdog only checks which
// came first, never how fast.
import { createChatSignaling, encodeSecret, randomSecret, startSharing, startViewing } from '../src/index.js';
import type { StateChange, ViewingSession } from '../src/index.js';
import { chatRoom } from './helpers/chat-room.js';
import { afterEach, assertEqual, beforeEach, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { createSharer } from './helpers/harness.js';
import { cleanupSessions, container, open } from './helpers/session-fixture.js';
import { approveEveryViewer } from './helpers/approval.js';

// every test of this file needs a real RTCPeerConnection
beforeEach(function () {
  needsWebRTC(this);
});

const rtc = { iceServers: [] };
/** Ten times the test's handshakeTimeout, below the 10 s default and the 30 s connect timeout it must not wait for. */
const WATCHDOG_MS = 8_000;

afterEach(() => cleanupSessions());

/** The viewer's state changes, and the first of `ended` or the watchdog. */
function outcome(viewing: ViewingSession): { states: StateChange[]; first: Promise<string> } {
  const states: StateChange[] = [];
  const first = new Promise<string>((resolve) => {
    const watchdog = setTimeout(() => resolve('watchdog'), WATCHDOG_MS);
    viewing.on('state', (s) => {
      states.push(s);
      if (s.state === 'ended') {
        clearTimeout(watchdog);
        resolve('ended');
      }
    });
  });
  return { states, first };
}

async function dial(peer: string, join: ReturnType<typeof chatRoom>, secret = encodeSecret(randomSecret())) {
  const viewing = await startViewing({
    container: container(),
    signaling: createChatSignaling(join('agent')),
    invitation: { peer, secret },
    rtc,
    handshakeTimeout: 800,
    reconnectTimeout: 60_000,
  });
  open.push(viewing);
  return { viewing, ...outcome(viewing) };
}

describe('session: a sharer that cannot be reached', () => {
  it('an address nobody holds: the viewer ends with unreachable, before the watchdog', async function () {
    this.timeout(20_000);
    const { viewing, states, first } = await dial('customer-gone', chatRoom());
    assertEqual(await first, 'ended', 'ended before the watchdog');
    assertEqual(states, [{ state: 'ended', reason: 'unreachable' }]);
    assertEqual(viewing.state, 'ended');
  });

  it('a chat member who hears the dial but never answers: unreachable, before the watchdog', async function () {
    this.timeout(20_000);
    const join = chatRoom();
    const silent = join('customer'); // a page with the chat open and no sharing: the offer goes unanswered
    let heard = 0;
    silent.onmessage = () => heard++;
    const { states, first } = await dial(silent.id, join);
    assertEqual(await first, 'ended', 'ended before the watchdog');
    assertEqual(states, [{ state: 'ended', reason: 'unreachable' }]);
    assertEqual(heard > 0, true, 'the offer reached the silent member');
  });

  it('a sharer that answers with another secret is not unreachable: wrong-secret', async function () {
    this.timeout(20_000);
    const join = chatRoom();
    const sharer = await createSharer({ html: '<!doctype html><p>hi</p>' });
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: createChatSignaling(join('customer')),
      rtc,
    });
    open.push(sharing);
    const { states, first } = await dial(sharing.invitation!.peer, join);
    assertEqual(await first, 'ended', 'ended before the watchdog');
    assertEqual(states.at(-1)?.reason, 'wrong-secret');
  });
});
