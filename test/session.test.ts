// Sessions end to end inside one page: startSharing / startViewing over the loopback transport and,
// with the chat-carried signaling adapter, over real RTCPeerConnections (several viewers).
// Fidelity is checked by comparing the sharer's document with each viewer's mirror.
import { startSharing, startViewing, createLoopbackPair, createChatSignaling } from '../src/index.js';
import type { SharingSession, ViewingSession, Transport, StateChange } from '../src/index.js';
import { afterEach, assert, assertEqual, assertNoDiffs, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { chatRoom } from './helpers/chat-room.js';
import { compareDocuments } from './helpers/compare.js';
import { createSharer, typeInto, waitFor, type Sharer } from './helpers/harness.js';
import { cleanupSessions, container, open } from './helpers/session-fixture.js';
import { approveEveryViewer } from './helpers/approval.js';

const PAGE = `<!doctype html><html><head><style>.hot{color:red}</style></head><body>
  <h1 id="title">Kumo Tea</h1><ul id="list"><li>Sencha</li><li class="hot">Matcha</li></ul>
  <input id="name" value="Ann"><input id="card" type="password" value="4111 1111 1111 1111">
  <div style="height:2000px">tall</div></body></html>`;

afterEach(cleanupSessions);

const SECRET = 'c2VjcmV0LXNlY3JldC0xMjM0NQ'; // 16+ bytes, base64url

async function pair(sharer: Sharer, viewerSecret = SECRET, wrap?: (t: Transport) => Transport) {
  const [a, b] = createLoopbackPair();
  const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport: a, secret: SECRET });
  const viewing = await startViewing({ container: container(), transport: wrap ? wrap(b) : b, secret: viewerSecret });
  open.push(sharing, viewing);
  return { sharing, viewing };
}

/** The card field is masked by design: compared apart (its mirror must never show the number). */
const masked = (node: Node) => (node as Element).id === 'card';

function converged(sharer: Sharer, viewing: ViewingSession): boolean {
  return compareDocuments(sharer.doc, viewing.mirror.document, { mirror: viewing.mirror, styles: false, skip: masked }).length === 0;
}

function states(session: SharingSession | ViewingSession): StateChange[] {
  const seen: StateChange[] = [];
  (session as SharingSession).on('state', (s: StateChange) => seen.push(s));
  return seen;
}

describe('session over a transport', () => {
  it('resync() asks for a fresh snapshot; the view stays and converges', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { viewing } = await pair(sharer);
    await viewing.connected;
    const snapshots: number[] = [];
    viewing.on('frame', (f) => f.snapshot && snapshots.push(f.seq));
    viewing.resync();
    viewing.resync(); // one at a time: the second waits for the first
    sharer.doc.getElementById('title')!.textContent = 'Kumo Tea & Co';
    await waitFor(() => snapshots.length === 1 && converged(sharer, viewing), 4000, 'a fresh snapshot');
    await new Promise((r) => setTimeout(r, 200));
    assertEqual(snapshots.length, 1, 'exactly one snapshot for two calls in a row');
  });

  it('mirrors the page after the handshake, with the same code on both sides', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, viewing } = await pair(sharer);
    await viewing.connected;
    assertEqual(viewing.state, 'connected');
    assertEqual(sharing.state, 'connected');
    assert(/^\d{6}$/.test(viewing.sas ?? ''), `a 6-digit code, got ${viewing.sas}`);
    assertEqual(sharing.sas, viewing.sas);
    assertNoDiffs(compareDocuments(sharer.doc, viewing.mirror.document, { mirror: viewing.mirror, skip: masked }));
    const card = viewing.mirror.document!.getElementById('card') as HTMLInputElement;
    assert(!card.value.includes('4111'), 'the card number is masked');
  });

  it('follows mutations, typing and scrolling', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { viewing } = await pair(sharer);
    await viewing.connected;
    sharer.doc.getElementById('list')!.insertAdjacentHTML('beforeend', '<li>Hojicha</li>');
    sharer.doc.getElementById('title')!.textContent = 'Kumo Tea — sale';
    typeInto(sharer.doc.getElementById('name') as HTMLInputElement, 'Ann Smith');
    sharer.win.scrollTo(0, 700);
    await waitFor(() => converged(sharer, viewing) && viewing.mirror.document?.defaultView?.scrollY === 700, 4000, 'the mirror to follow');
    assertNoDiffs(compareDocuments(sharer.doc, viewing.mirror.document, { mirror: viewing.mirror, skip: masked }));
  });

  it('ends both sides with the reason when the sharer stops', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, viewing } = await pair(sharer);
    await viewing.connected;
    const seen = states(viewing);
    sharing.stop();
    await waitFor(() => viewing.state === 'ended', 4000, 'the viewer to end');
    assertEqual(seen.at(-1), { state: 'ended', reason: 'remote-stopped' });
    assertEqual(viewing.mirror.document, null, 'the mirror is gone: the agent no longer sees the page');
  });

  it('ends the sharer with the reason when the viewer stops', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, viewing } = await pair(sharer);
    await viewing.connected;
    const seen = states(sharing);
    viewing.stop();
    await waitFor(() => sharing.state === 'ended', 4000, 'the sharer to end');
    assertEqual(seen.at(-1), { state: 'ended', reason: 'remote-stopped' });
  });

  it('refuses a viewer with another secret: nothing is shown, both end', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, viewing } = await pair(sharer, 'b3RoZXItc2VjcmV0LTk4NzY1NDM');
    await waitFor(() => viewing.state === 'ended' && sharing.state === 'ended', 6000, 'both to end');
    assertEqual(viewing.mirror.document, null);
    await viewing.connected.then(
      () => assert(false, 'must not connect'),
      () => {},
    );
  });

  it('ends cleanly when a record is tampered with on the wire, never applying it', async () => {
    const sharer = await createSharer({ html: PAGE });
    let armed = false;
    const tamper = (inner: Transport): Transport => {
      const outer: Transport = {
        send: (d) => inner.send(d),
        close: () => inner.close(),
        onmessage: null,
        onclose: null,
      };
      inner.onmessage = (d) => {
        if (armed && d.length > 40) {
          armed = false;
          d = d.slice();
          d[d.length - 5] ^= 0x40;
        }
        outer.onmessage?.(d);
      };
      inner.onclose = (r) => outer.onclose?.(r);
      return outer;
    };
    const { viewing } = await pair(sharer, SECRET, tamper);
    await viewing.connected;
    const seen = states(viewing);
    let applied = 0;
    viewing.on('frame', () => applied++);
    armed = true;
    sharer.doc.getElementById('title')!.textContent = 'changed on the way';
    await waitFor(() => viewing.state === 'ended', 4000, 'the viewer to end');
    assertEqual(applied, 0, 'the tampered frame was not applied');
    assertEqual(seen, [{ state: 'ended', reason: 'tampered' }]);
  });

  it('reports progress while a large snapshot arrives', async () => {
    const big = 'x'.repeat(3_000_000);
    const sharer = await createSharer({ html: `<!doctype html><body><pre id="big">${big}</pre></body>` });
    const [a, b] = createLoopbackPair();
    const viewing = await startViewing({ container: container(), transport: b, secret: SECRET });
    const progress: number[] = [];
    let total = 0;
    viewing.on('progress', (p) => {
      progress.push(p.received);
      total = p.total;
    });
    const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport: a, secret: SECRET });
    open.push(sharing, viewing);
    await viewing.connected;
    assert(progress.length >= 2, `several progress events, got ${progress.length}`);
    for (let i = 1; i < progress.length; i++) assert(progress[i] >= progress[i - 1], 'progress is monotonic');
    assertEqual(progress.at(-1), total);
    assertEqual(viewing.mirror.document!.getElementById('big')!.textContent!.length, big.length);
  });

  it("shows how far a large page's snapshot is while the customer's page is still writing it", async () => {
    let rows = '';
    for (let i = 0; i < 30_000; i++) rows += `<li><b>${i}</b></li>`;
    const sharer = await createSharer({ html: `<!doctype html><body><ul id="list">${rows}</ul></body>` });
    const elements = sharer.doc.getElementsByTagName('*').length;
    const [a, b] = createLoopbackPair();
    const viewing = await startViewing({ container: container(), transport: b, secret: SECRET });
    // progress in elements of the page comes before any frame is applied
    const writing: number[] = [];
    let framesBefore = -1;
    let frames = 0;
    viewing.on('frame', () => frames++);
    viewing.on('progress', (p) => {
      // elements while it is written (the page's, give or take what the session adds to it, such as
      // the agent's cursor); then the snapshot's bytes as it arrives (hundreds of KB)
      if (p.total > elements + 100) return;
      assert(p.total >= elements, `progress of ${p.total} elements, the page has ${elements}`);
      writing.push(p.received);
      if (framesBefore < 0) framesBefore = frames;
    });
    const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport: a, secret: SECRET });
    open.push(sharing, viewing);
    await viewing.connected;
    assert(writing.length >= 1, 'no progress while the snapshot was written');
    assertEqual(framesBefore, 0, 'frames applied before the first progress');
    for (let i = 1; i < writing.length; i++) assert(writing[i]! >= writing[i - 1]!, 'progress is monotonic');
    assert(writing.at(-1)! < elements, 'progress before the end');
    assertEqual(viewing.mirror.document!.getElementById('list')!.children.length, 30_000);
  });
});

describe('session over WebRTC, signaled through a chat', () => {
  it('one sharer, three viewers with their own codes; a late joiner and a leaver disturb no one', async function () {
    needsWebRTC(this);
    this.timeout(60_000);
    const join = chatRoom();
    const sharer = await createSharer({ html: PAGE });
    const rtc = { iceServers: [] };
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: createChatSignaling(join('customer')),
      rtc,
    });
    open.push(sharing);
    assert(sharing.invitation, 'an invitation to post in the chat');
    const viewers: ViewingSession[] = [];
    for (const name of ['agent', 'supervisor']) {
      const v = await startViewing({
        container: container(),
        signaling: createChatSignaling(join(name)),
        invitation: sharing.invitation,
        rtc,
      });
      open.push(v);
      viewers.push(v);
    }
    await Promise.all(viewers.map((v) => v.connected));
    sharer.doc.getElementById('list')!.insertAdjacentHTML('beforeend', '<li>Genmaicha</li>');
    const late = await startViewing({
      container: container(),
      signaling: createChatSignaling(join('trainee')),
      invitation: sharing.invitation,
      rtc,
    });
    open.push(late);
    viewers.push(late);
    await late.connected;
    assertEqual(sharing.viewerList.length, 3);
    const codes = sharing.viewerList.map((v) => v.sas);
    for (const v of viewers) assert(codes.includes(v.sas!), 'each viewer sees the code the sharer shows for it');
    assertEqual(new Set(codes).size, 3, 'each viewer has its own keys');
    viewers[0].stop();
    await waitFor(() => sharing.viewerList.length === 2, 4000, 'the sharer to drop the viewer who left');
    sharer.doc.getElementById('title')!.textContent = 'after one left';
    for (const v of viewers.slice(1)) await waitFor(() => converged(sharer, v), 4000, 'the others to follow');
    assertEqual(sharing.state, 'connected');
  });
});
