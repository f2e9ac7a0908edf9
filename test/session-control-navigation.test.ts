// Remote control across the customer's navigation (issue 16): the page that goes away ends control and
// tells the agent why; the site's next page (resumeSharing) gives it back to the same viewer without
// asking the customer again, once that viewer has proved itself on its resumed channel. It is never
// given back after the customer took it, to a viewer that comes back too late, on a page whose own
// origin is not allowed, or on a page not reached from an allowed one. Real RTCPeerConnections, the
// sharer's pages are frames of this page (they share its sessionStorage, like pages of one tab).
import { enableRemoteControl, resumeSharing, startSharing, startViewing } from '../src/index.js';
import type { ControlChange, SharingOptions, SharingSession, ViewingSession } from '../src/index.js';
import { chatRoom, type Member } from './helpers/chat-room.js';
import { createChatSignaling } from '../src/index.js';
import { afterEach, assert, assertEqual, before, beforeEach, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { compareDocuments } from './helpers/compare.js';
import { createSharer, waitFor, type Sharer } from './helpers/harness.js';
import { cleanupSessions, container, open } from './helpers/session-fixture.js';
import { approveEveryViewer } from './helpers/approval.js';
import { sendKeys } from './helpers/commands.js';

beforeEach(function () {
  needsWebRTC(this);
});
before(() => enableRemoteControl());
afterEach(cleanupSessions);

const rtc = { iceServers: [] };
const PAGE = `<!doctype html><body style="margin:0"><h1 id="title">Checkout</h1>
  <input id="name" style="position:absolute;left:10px;top:60px;width:200px;height:30px"></body>`;
// the next page is loaded by URL, like a page of a site: its referrer is this page (a srcdoc frame has none in Firefox)
const NEXT_PAGE = '/test/e2e/fixtures/control-session-next.html';
// the pages are about:srcdoc frames of this page: their links resolve against this origin
const RULES: SharingOptions = { controlRules: { allowedOrigins: [location.origin] } };

const converged = (sharer: Sharer, v: ViewingSession) =>
  v.state === 'connected' && compareDocuments(sharer.doc, v.mirror.document, { mirror: v.mirror, styles: false }).length === 0;

interface Tab {
  join: (name: string) => Member;
  first: Sharer;
  sharing: SharingSession;
  viewing: ViewingSession;
  /** The agent's `control` events since it got control, as `state` or `state:reason`. */
  heard: string[];
}

/** The customer shares the first page; the agent views it, asks for control and the page grants it. */
async function controlled(options: SharingOptions = {}, agent?: (m: Member) => Member): Promise<Tab> {
  const join = chatRoom();
  const first = await createSharer({ html: PAGE });
  const sharing = await startSharing({
    approve: approveEveryViewer,
    document: first.doc,
    signaling: createChatSignaling(join('customer')),
    rtc,
    control: () => true,
    ...RULES,
    ...options,
  });
  const member = join('agent');
  const viewing = await startViewing({
    container: container(),
    signaling: createChatSignaling(agent ? agent(member) : member),
    invitation: sharing.invitation!,
    rtc,
  });
  open.push(viewing);
  await viewing.connected;
  viewing.requestControl();
  await waitFor(() => viewing.control === 'granted', 5000, 'control granted on the first page');
  const heard: string[] = [];
  viewing.on('control', (c) => heard.push(c.reason ? `${c.state}:${c.reason}` : c.state));
  return { join, first, sharing, viewing, heard };
}

/** The customer follows a link: the first page says goodbye (pagehide) and the next one resumes. */
/** A second agent joins the same chat and views the page (it is approved; it never holds control). */
async function anotherAgent(tab: Tab): Promise<ViewingSession> {
  const other = await startViewing({
    container: container(),
    signaling: createChatSignaling(tab.join('agent')),
    invitation: tab.sharing.invitation!,
    rtc,
  });
  open.push(other);
  await other.connected;
  return other;
}

async function navigate(tab: Tab, options: SharingOptions = {}, frame?: (f: HTMLIFrameElement) => void) {
  tab.first.win.dispatchEvent(new PageTransitionEvent('pagehide'));
  // until when the first page's control may be given back: its stored state's expiry
  const until = (JSON.parse(sessionStorage.getItem('cobrowse-rtc:sharing') ?? '{}') as { expires?: number }).expires ?? 0;
  const next = await createSharer({ url: NEXT_PAGE, beforeInsert: frame });
  const asked: string[] = [];
  const changes: ControlChange[] = [];
  const resumed = await resumeSharing({
    approve: approveEveryViewer,
    document: next.doc,
    signaling: createChatSignaling(tab.join('customer')),
    rtc,
    control: 'prompt',
    ...RULES,
    ...options,
  });
  assert(resumed, 'the next page resumes the session');
  open.push(resumed);
  resumed.on('controlrequest', (r) => asked.push(r.id));
  resumed.on('control', (c) => changes.push(c));
  return { next, resumed, asked, changes, until };
}

/** The agent sees the next page, and control stays ended: for the agent, on the page, in the page's events. */
async function notGivenBack(tab: Tab, nav: Awaited<ReturnType<typeof navigate>>): Promise<void> {
  await waitFor(() => converged(nav.next, tab.viewing), 30_000, 'the agent sees the next page');
  await new Promise((r) => setTimeout(r, 300)); // a 'granted' would follow the snapshot at once
  assertEqual(tab.viewing.control, 'none');
  assertEqual(nav.resumed.controller, null);
  assertEqual(nav.changes, [], 'nothing granted');
  assertEqual(tab.heard, ['none:navigation'], 'the agent heard why it ended, and nothing after');
}

describe('remote control across a navigation', () => {
  it('the next page of an allowed origin gives control back to the same viewer, without asking; the agent types there', async function () {
    this.timeout(60_000);
    const tab = await controlled();
    const agentId = tab.sharing.controller!.id;
    const { next, resumed, asked, changes } = await navigate(tab);
    await waitFor(() => converged(next, tab.viewing), 20_000, 'the agent sees the next page');
    await waitFor(() => tab.viewing.control === 'granted', 5000, 'control given back');
    assertEqual(tab.heard, ['none:navigation', 'granted'], 'told why it ended, then that it is back');
    assertEqual(asked, [], 'the customer is not asked again');
    assertEqual(
      changes.map((c) => [c.id, c.granted, c.restored]),
      [[agentId, true, true]],
      'the page hears it was restored, for the same viewer',
    );
    assertEqual(resumed.controller?.id, agentId);
    // and it works: the agent's typing reaches the next page's field
    const mirrorName = () => tab.viewing.mirror.document!.getElementById('name')!;
    tab.viewing.act({ a: 'click', x: 50, y: 75, id: tab.viewing.mirror.id(mirrorName()) });
    for (const key of ['o', 'k']) tab.viewing.act({ a: 'key', key, shift: false, ctrl: false, alt: false, meta: false });
    const name = next.doc.getElementById('name') as HTMLInputElement;
    await waitFor(() => name.value === 'ok', 5000, 'typed on the next page');
  });

  it('only the viewer that held control gets it back: another agent back first does not', async function () {
    this.timeout(60_000);
    let gate = false; // the agent in control is back only after the other one
    const tab = await controlled({}, (member) => holdFromNewPages(member, () => gate));
    const holder = tab.sharing.controller!.id;
    const other = await anotherAgent(tab);
    const { next, resumed, changes } = await navigate(tab);
    await waitFor(() => converged(next, other), 20_000, 'the other agent sees the next page first');
    await new Promise((r) => setTimeout(r, 300));
    assertEqual(other.control, 'none', 'not given to the other agent');
    assertEqual(resumed.controller, null);
    gate = true;
    await waitFor(() => tab.viewing.control === 'granted', 20_000, 'given back to the agent that held it');
    assertEqual(
      changes.map((c) => [c.id, c.granted]),
      [[holder, true]],
    );
  });

  it('while kept for its holder, control is busy for another agent; no longer once the holder is too late', async function () {
    this.timeout(60_000);
    // the holder never comes back; the page that held control gave it 1.5 s
    const tab = await controlled({ reconnectTimeout: 1500 }, (member) => holdFromNewPages(member, () => false));
    const other = await anotherAgent(tab);
    const heard: string[] = [];
    other.on('control', (c) => heard.push(c.reason ? `${c.state}:${c.reason}` : c.state));
    const nav = await navigate(tab, { reconnectTimeout: 30_000 });
    await waitFor(() => converged(nav.next, other), 20_000, 'the other agent sees the next page');
    other.requestControl();
    await waitFor(() => heard.length === 1, 5000, 'answered');
    assertEqual(heard, ['none:busy'], 'kept for the agent that held it');
    await waitFor(() => Date.now() > nav.until, 5000, 'the holder too late');
    other.requestControl();
    await waitFor(() => nav.asked.length === 1, 5000, 'now the customer is asked about the other agent');
  });

  it('taken back on the next page before the agent is back: never given back; the agent asks like anyone', async function () {
    this.timeout(60_000);
    const tab = await controlled();
    const nav = await navigate(tab);
    nav.resumed.revokeControl(); // the customer's Take back, before the agent's channel is back
    await notGivenBack(tab, nav);
    tab.viewing.requestControl();
    await waitFor(() => nav.asked.length === 1, 5000, 'a new request asks the customer');
  });

  it("the customer's own Escape on the next page, before the agent is back, drops it too", async function () {
    this.timeout(60_000);
    let gate = false; // the agent is not back before the customer pressed Escape
    const tab = await controlled({}, (member) => holdFromNewPages(member, () => gate));
    const nav = await navigate(tab);
    nav.next.frame.focus();
    await sendKeys({ press: 'Escape' });
    gate = true;
    await notGivenBack(tab, nav);
  });

  it('a viewer back after the reconnect timeout of the page that held control does not get it back', async function () {
    this.timeout(60_000);
    // the agent's side holds the next page's signaling for a while: it is back late, but back
    let gate = false;
    const tab = await controlled({ reconnectTimeout: 1500 }, (member) => holdFromNewPages(member, () => gate));
    const nav = await navigate(tab, { reconnectTimeout: 30_000 });
    await new Promise((r) => setTimeout(r, 2000));
    gate = true;
    await notGivenBack(tab, nav);
    tab.viewing.requestControl();
    await waitFor(() => nav.asked.length === 1, 5000, 'a new request asks the customer');
  });

  it('a next page whose own origin is not an allowed one, or not reached from one, keeps control ended', async function () {
    this.timeout(90_000);
    const outside = await controlled();
    await notGivenBack(outside, await navigate(outside, { controlRules: { allowedOrigins: ['https://pay.example'] } }));
    for (const s of open.splice(0)) s.stop();
    sessionStorage.clear();

    // no referrer: the customer may have come from anywhere (another site, a bookmark)
    const anywhere = await controlled();
    const b = await navigate(anywhere, {}, (f) => (f.referrerPolicy = 'no-referrer'));
    assertEqual(b.next.doc.referrer, '', 'positive control: the next page has no referrer');
    await notGivenBack(anywhere, b);
  });

  it('the page that held control names nobody for the next page when its own origin is not an allowed one', async function () {
    this.timeout(60_000);
    const tab = await controlled({ controlRules: { allowedOrigins: ['https://pay.example'] } });
    tab.first.win.dispatchEvent(new PageTransitionEvent('pagehide'));
    const stored = JSON.parse(sessionStorage.getItem('cobrowse-rtc:sharing') ?? '{}') as { control?: string; viewers?: unknown[] };
    assertEqual(stored.viewers?.length, 1, 'positive control: the session itself is stored');
    assertEqual(stored.control, undefined);
    await waitFor(() => tab.heard.length === 1, 5000, 'told');
    assertEqual(tab.heard, ['none:navigation']);
  });
});

/** A chat member whose messages from members other than the first it hears are held while `held()` says so. */
function holdFromNewPages(member: Member, open: () => boolean): Member {
  let handler: Member['onmessage'] = null;
  let first: string | null = null;
  const deliver = (from: string, text: string) => {
    if (from === first || open()) return handler?.(from, text);
    setTimeout(() => deliver(from, text), 100);
  };
  Object.defineProperty(member, 'onmessage', {
    get: () => (from: string, text: string) => {
      first ??= from;
      deliver(from, text);
    },
    set: (h: Member['onmessage']) => (handler = h),
  });
  return member;
}
