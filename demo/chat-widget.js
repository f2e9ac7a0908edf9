// The customer's chat widget on the shop page (demo/customer.html opened in its own tab).
// A real site has its own chat; this one talks to the reference signaling server (server/).
// Co-browse flow: the agent asks ("invite") or the customer offers ("Share my screen"); the page
// starts a session at once — signaling only, nothing captured — and accepts in the chat; when the
// agent's browser has connected, the consent dialog names the agent and shows their code, and
// nothing is shared until the customer presses Allow (one click; each later agent is asked again).
// On every later page of the shop in this tab, resumeSharing() continues that session by itself.
// The customer's side loads only the sharer bundle (no mirror): what a site embeds.
// the CDN build: self-contained ES modules for a page with no bundler (chunks shared between the two)
import { resumeSharing, showAnnotations, showConsent, startSharing } from '/dist/cdn/cobrowse-rtc-sharer.js';
import { connectReferenceChat, createPeerJsSignaling } from '/dist/cdn/cobrowse-rtc-reference-server.js';
import { iceConfig } from './ice.js';
import { clock } from './clock.js';

if (window.top === window) start(); // inside the one-tab engine demo's iframe there is no chat

/** What the demo masks on top of the defaults (passwords, card fields, data-cobrowse-* marks). */
const MASK = { text: ['#address', 'input[type=email]'], inputs: 'sensitive' };

async function start() {
  const config = await (await fetch('/config.json')).json();
  const box = document.createElement('aside');
  box.className = 'chat-widget';
  box.setAttribute('data-cobrowse-ignore', ''); // the customer's own support UI is not part of the page the agent sees
  box.setAttribute('aria-label', 'Chat with Kumo Tea support');
  box.innerHTML = `
    <header><strong>Kumo Tea support</strong> <span class="chat-state" id="chat-state">connecting…</span>
      <button type="button" class="chat-minimise" id="chat-minimise" aria-expanded="true" aria-controls="chat-body">Minimise</button></header>
    <div class="chat-body" id="chat-body">
    <ol class="chat-log" id="chat-log" aria-live="polite"></ol>
    <cobrowse-sharing-banner inline></cobrowse-sharing-banner>
    <form id="chat-form"><input id="chat-input" autocomplete="off" placeholder="Type a message" aria-label="Message">
      <button>Send</button></form>
    <cobrowse-share-button class="chat-share"></cobrowse-share-button></div>`;
  document.body.append(box);
  const $ = (id) => box.querySelector('#' + id);
  // minimised to its header, so it covers none of the page the customer and the agent look at;
  // the sharing banner's Stop stays one click away (Open, then Stop)
  const minimise = (small) => {
    box.classList.toggle('minimised', small);
    $('chat-body').hidden = small;
    $('chat-minimise').setAttribute('aria-expanded', String(!small));
    $('chat-minimise').textContent = small ? 'Open' : 'Minimise';
    sessionStorage.setItem('cobrowse-demo-chat-minimised', small ? '1' : '');
  };
  $('chat-minimise').addEventListener('click', () => minimise(!box.classList.contains('minimised')));
  minimise(!!sessionStorage.getItem('cobrowse-demo-chat-minimised'));

  // one room per browser tab session: a reload keeps the conversation
  let token = sessionStorage.getItem('cobrowse-demo-token');
  if (!token) {
    const res = await fetch(`${config.signaling}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ann (customer)' }),
    });
    token = (await res.json()).token;
    sessionStorage.setItem('cobrowse-demo-token', token);
  }
  const chat = await connectReferenceChat({ url: config.signaling, token });
  $('chat-state').textContent = 'online';
  // a lost chat server (a restart, one of several processes gone) comes back by itself: say so meanwhile
  chat.onstate = (state) => {
    $('chat-state').textContent = state === 'connected' ? 'online' : state === 'reconnecting' ? 'reconnecting…' : 'offline';
  };
  let session = null;

  /** One line of the chat: when (the demo's one clock format), who, what. A system line has no name. */
  const log = (who, text, at = Date.now()) => {
    const li = document.createElement('li');
    if (who === 'system') li.className = 'system';
    li.innerHTML = `<time></time> <b></b> <span></span>`;
    li.firstChild.textContent = clock(at);
    li.querySelector('b').textContent = who === 'system' ? '' : who;
    li.lastChild.textContent = text;
    $('chat-log').append(li);
    li.scrollIntoView({ block: 'end' });
    // a line for the customer while the widget is small: it opens, nothing said goes unseen
    if (box.classList.contains('minimised') && who !== 'system') minimise(false);
  };
  for (const e of chat.welcome.history) if (e.type === 'text') log(e.from.name, e.text, e.at);
  // the room's pending request, if any: `agent` or `customer` (who asked)
  let pendingBy = chat.welcome.share.state === 'pending' ? chat.welcome.share.by : null;

  chat.ontext = (e) => log(e.from.name, e.text, e.at);
  chat.oninvite = (e) => {
    pendingBy = e.from.role;
    // nothing is shared before the customer says so: the consent dialog comes with the agent's handshake
    if (e.from.role === 'agent') share();
  };
  chat.onaccept = chat.ondecline = () => (pendingBy = null);
  chat.onend = (e) => {
    pendingBy = null;
    stopSharing(e.reason === 'expired' || e.reason === 'declined' ? e.reason : e.from.role === 'agent' ? 'agent' : 'customer');
  };
  // an agent who joins an active share asks for the invitation: it is handed over only by this page,
  // and the customer's approval of that viewer (name and code, after its handshake) decides again
  chat.onrequest = (e) => {
    if (session) chat.sendInvitation(e.from.peer, session.invitation);
  };
  chat.onerror = (err) => {
    // the request this page answered is gone (withdrawn, expired, answered elsewhere): this page's
    // session would wait for an agent who never comes, so it ends here, and says what to do
    if (err.re === 'accept') return stopSharing('refused');
    log(
      'system',
      err.code === 'rate-limited'
        ? 'Too many messages at once: wait a moment, then try again.'
        : `The chat could not do that: ${err.message}.`,
    );
  };

  $('chat-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = $('chat-input').value.trim();
    if (!text) return;
    try {
      chat.sendText(text);
      $('chat-input').value = '';
    } catch (err) {
      // reconnecting (or closed): the text stays in the box to send again
      log('system', `Not sent: ${err.message}.`);
    }
  });
  box.querySelector('cobrowse-share-button').addEventListener('cobrowse-share-request', () => {
    if (session || starting) return;
    // a customer-initiated share is invite, then accept at once; an agent's request waiting for an
    // answer is answered instead (a second request would be refused: one at a time)
    if (pendingBy !== 'agent') chat.invite();
    share();
  });
  box.querySelector('cobrowse-sharing-banner').addEventListener('cobrowse-stop', () => {
    chat.end('customer');
  });

  // each session makes its own PeerJS connection (and closes it when it ends)
  const signaling = () => createPeerJsSignaling({ url: config.signaling, id: chat.welcome.peer.id, token: chat.welcome.peer.token });
  const rtc = iceConfig(chat);

  // who is asking, as the chat server stamped them (never what a viewer says about itself)
  const viewerName = (peer) => chat.participant(peer)?.name ?? null;
  // only an agent of this room may ask to control the page (anyone else the server stamped is an observer)
  const viewerRole = (peer) => (chat.participant(peer)?.role === 'agent' ? 'agent' : 'observer');

  // one share at a time, even while the first is still starting (two requests stacked two consents)
  let starting = false;
  async function share() {
    if (session || starting) return;
    starting = true;
    try {
      attach(await startSharing({ signaling, mask: MASK, rtc, viewerName, viewerRole }));
    } finally {
      starting = false;
    }
    // the room learns that a share started and the rules (for the agent and the server's audit log);
    // the secret goes to the inviting agent only, in a message addressed to it
    chat.accept({ ...session.invitation, mask: MASK });
  }

  function attach(s) {
    session = s;
    window.cobrowseSharing = s; // for the end-to-end tests and for poking around in devtools
    box.querySelector('cobrowse-sharing-banner').session = s; // who is viewing, their codes, Stop
    showAnnotations(s); // the agent's cursor and clicks over this page, never captured
    showConsent(s); // each agent's request: name, code, Allow / Deny
    s.on('viewerjoined', (v) => log('system', `${v.name ?? 'An agent'} is viewing this page. Their code should read ${v.sas}.`));
    s.on('approvalended', (r) => {
      // the customer said no to the only agent: the share is over
      if (r.reason === 'denied' && !s.viewerList.length && !s.pendingList.length) chat.end('declined');
    });
    s.on('state', (st) => {
      if (st.state === 'ended') stopSharing(st.reason);
    });
    // remote control, for the room and the server's audit log: who asked, what the customer decided,
    // what the page refused and why (never a value the agent typed)
    s.on('controlrequest', (r) => chat.control({ event: 'requested', viewer: r.id }));
    s.on('control', (c) => {
      const event = c.granted ? 'granted' : c.reason === 'denied' || c.reason === 'expired' ? 'denied' : 'ended';
      chat.control({ event, viewer: c.id, ...(c.reason && { reason: c.reason }) });
    });
    s.on('refused', (r) => chat.control({ event: 'refused', viewer: r.viewer, reason: r.reason, action: r.action }));
    box.querySelector('cobrowse-share-button').hidden = true;
  }

  // a page of the shop opened while sharing (a link, a form, a reload): carry on, no new consent
  const resumed = await resumeSharing({ signaling, mask: MASK, rtc, viewerName, viewerRole });
  if (resumed) {
    attach(resumed);
    chat.shareMoved(resumed.invitation); // agents who join from now on dial this page
  }

  function stopSharing(reason) {
    if (!session) return;
    const s = session;
    session = null;
    s.stop();
    box.querySelector('cobrowse-share-button').hidden = false;
    log('system', ENDED[reason] ?? ENDED.other);
  }
}

/** Why the co-browse session ended, in the customer's words, with what to do next. */
const ENDED = {
  customer: 'You stopped sharing your screen.',
  stopped: 'You stopped sharing your screen.',
  agent: 'The agent ended the co-browse session.',
  declined: 'You declined: nothing was shared.',
  expired: 'The agent’s request to see your screen expired. Ask in the chat if you still need help.',
  refused:
    'The agent’s request was withdrawn before you answered: nothing was shared. Press “Share my screen with the agent” if you want to show this page.',
  other: 'Screen sharing ended. Press “Share my screen with the agent” to share again.',
};
