// The agent console: the support agent's chat list, one chat, and the customer's page.
// Talks to the reference signaling server (server/) like any chat would. Served from its own
// origin (demo/server.mjs): the agent's sign-in never reaches the shop's origin.
// the CDN build: self-contained ES modules (Lit, fflate, tweetnacl inside) for a page with no bundler
import { connectReferenceChat, createPeerJsSignaling } from '/dist/cdn/cobrowse-rtc.js';
import '/dist/cdn/cobrowse-rtc-viewer.js'; // registers <cobrowse-viewer>
import { iceConfig } from './ice.js';
import { clock } from './clock.js';

const $ = (id) => document.getElementById(id);
const config = await (await fetch('/config.json')).json();
let chat = null;
const viewer = $('viewer');
/** This console's co-browse session is on (connecting, connected or reconnecting). */
const viewing = () => !!viewer.session && viewer.state !== 'ended';

// The agent's JWT, from the console's own server (the demo's stand-in for the site's identity
// provider); fetched again shortly before it expires.
let session = null;
async function bearer() {
  if (!session || session.expiresAt - Date.now() < 60_000) session = await (await fetch('/session.json')).json();
  return { authorization: `Bearer ${session.token}` };
}

/** One line of the chat: who, what, and when (the demo's one clock format). */
const log = (who, text, at = Date.now()) => {
  const li = document.createElement('li');
  if (who === 'system') li.className = 'system';
  const time = document.createElement('time');
  time.dateTime = new Date(at).toISOString();
  time.textContent = clock(at);
  const b = document.createElement('b');
  b.textContent = who === 'system' ? '' : who;
  li.append(time, ' ', b, who === 'system' ? '' : ' ', text);
  $('log').append(li);
  li.scrollIntoView({ block: 'end' });
};

// ---- the chat list: the open chat is selected; a customer's text since it was last open is unread
let openRoom = null;
/** When this console last saw each room's chat (opened, or a text arrived while open). */
const seen = new Map();
let rooms = [];

async function listRooms() {
  // only the rooms this agent's token allows; a chat token is fetched for the one opened
  const res = await fetch(`${config.signaling}/api/rooms`, { headers: await bearer() }).catch(() => null);
  if (!res?.ok) return;
  rooms = await res.json();
  renderRooms();
}

function renderRooms() {
  if (!rooms.length) return;
  $('rooms').replaceChildren(...rooms.map(roomItem));
}

function roomItem(r) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.room = r.room;
  const selected = r.room === openRoom;
  const unread = !selected && r.lastText?.role === 'customer' && r.lastText.at > (seen.get(r.room) ?? 0);
  if (selected) button.setAttribute('aria-current', 'true');
  button.classList.toggle('unread', unread);
  const name = document.createElement('span');
  name.className = 'room-name';
  name.textContent = r.customerName || 'Customer';
  const time = document.createElement('time');
  const at = r.lastText?.at ?? r.createdAt;
  time.dateTime = new Date(at).toISOString();
  time.textContent = clock(at);
  button.append(name, ' ', time);
  if (unread) {
    const dot = document.createElement('span');
    dot.className = 'unread-dot';
    dot.textContent = 'new message';
    button.append(' ', dot);
  }
  if (r.share === 'active')
    button.append(' ', Object.assign(document.createElement('span'), { className: 'room-live', textContent: 'co-browsing' }));
  button.addEventListener('click', () => openChat(r.room));
  li.append(button);
  return li;
}
await listRooms();
setInterval(listRooms, 2000);

// ---- the co-browse request, one at a time: `asking` from Ask until the customer's page answers
// (or the request is withdrawn or expires), `live` while a co-browse session is on
let share = 'none';
function setShare(state) {
  share = state;
  renderControls();
}

/** Ask and Send only work when they can: a chat open and connected, no request pending, no session on. */
function renderControls() {
  const online = chat?.state === 'connected';
  const invite = $('invite');
  // the session is on in the room but not here any more (a lost connection): the way back in
  const rejoin = share === 'live' && !viewing();
  invite.disabled = !online || (share !== 'none' && !rejoin);
  invite.textContent = rejoin ? 'Join the co-browse session again' : "Ask to see the customer's page";
  $('withdraw').hidden = share !== 'asking' || !online;
  $('invite-note').textContent = !chat
    ? 'Open a chat first.'
    : !online
      ? 'The chat is reconnecting…'
      : share === 'asking'
        ? "Waiting for the customer's answer…"
        : share === 'live' && !rejoin
          ? 'A co-browse session is on.'
          : '';
  for (const el of $('form').elements) el.disabled = !online;
}
renderControls();

/** What the room's end of a co-browse request or session means, in the words the console uses. */
const ENDED = {
  expired:
    "The customer's page did not answer the co-browse request within a minute: they may have closed the shop's tab. Ask again when they are back.",
  agent: 'You ended the co-browse session.',
  customer: 'The customer ended the co-browse session.',
  declined: 'The customer declined the co-browse session.',
};

async function openChat(room) {
  if (chat) chat.close();
  chat = null;
  openRoom = room;
  seen.set(room, Date.now());
  renderRooms();
  renderControls();
  const res = await fetch(`${config.signaling}/api/rooms/${encodeURIComponent(room)}/agent-token`, {
    method: 'POST',
    headers: { ...(await bearer()), 'content-type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) return log('system', `Could not open this chat: ${(await res.json()).message}`);
  chat = await connectReferenceChat({ url: config.signaling, token: (await res.json()).token });
  $('chat').hidden = false;
  $('log').replaceChildren();
  for (const e of chat.welcome.history) if (e.type === 'text') log(e.from.name, e.text, e.at);
  const me = chat.welcome.peer.id;
  chat.ontext = (e) => {
    seen.set(room, Date.now());
    log(e.from.name, e.text, e.at);
  };
  chat.oninvite = (e) => e.from.peer === me && setShare('asking');
  chat.ondecline = () => {
    setShare('none');
    viewer.reset();
    log('system', ENDED.declined);
  };
  chat.onend = (e) => {
    const wasAsking = share === 'asking';
    setShare('none');
    if (wasAsking) {
      viewer.reset();
      return log(
        'system',
        e.reason === 'expired'
          ? ENDED.expired
          : e.from.peer === me
            ? 'You withdrew the co-browse request.'
            : 'The co-browse request was withdrawn.',
      );
    }
    // the customer's Stop also ends the session over the data channel, with its reason: give that a
    // moment to arrive before ending here (the chat is usually faster than the goodbye)
    // (the session of now: a new one started meanwhile is not this end's to stop)
    const session = (endedInChat = viewer.session);
    setTimeout(() => session?.stop('ended in the chat'), 2000);
  };
  // remote control as the customer's page reported it to the room (each agent's console says so)
  chat.oncontrol = (e) => {
    const who = e.viewer === me ? 'You' : (chat.participant(e.viewer)?.name ?? 'An agent');
    const text = {
      requested: `${who} asked to control the customer's page.`,
      granted: `The customer let ${who === 'You' ? 'you' : who} control the page.`,
      denied: `The customer did not let ${who === 'You' ? 'you' : who} control the page.`,
      ended: `${who === 'You' ? 'Your' : `${who}'s`} control of the customer's page ended.`,
    }[e.event];
    if (text) log('system', text);
  };
  // the secret comes only to this console, from the customer's page: never from the room
  chat.oninvitation = (e) => view(e.invitation);
  chat.onaccept = (e) => {
    setShare('live');
    // a share the customer offered, or another agent asked for: ask the customer's page to let us in
    if (e.invitedBy?.peer === me) return log('system', 'The customer accepted: connecting to their page…');
    log(
      'system',
      e.invitedBy
        ? `The customer is sharing their page with ${e.invitedBy.name}: asking to join…`
        : 'The customer started a co-browse session: asking to join…',
    );
    askToJoin();
  };
  chat.onerror = (err) => {
    if (err.re === 'invite') setShare(chat.welcome.share.state === 'active' ? 'live' : 'none');
    log('system', refusalText(err));
  };
  // the chat comes back by itself after a lost connection; what was said meanwhile arrives then
  const STATE_TEXT = {
    reconnecting: 'Lost the connection to the chat: reconnecting…',
    connected: 'Back in the chat.',
    closed: 'The chat closed. Pick the chat again in the list to reopen it.',
  };
  chat.onstate = (state) => {
    renderControls();
    log('system', STATE_TEXT[state]);
  };
  const state = chat.welcome.share;
  // the customer is already sharing: the welcome says so, but never carries the secret
  if (state.state === 'active') {
    setShare('live');
    askToJoin();
  } else setShare(state.state === 'pending' && state.from.peer === me ? 'asking' : 'none');
}

/** A server refusal, said plainly, with what to do. */
function refusalText(err) {
  if (err.re === 'invite' && err.code === 'conflict')
    return /pending/.test(err.message)
      ? 'A co-browse request is already waiting for an answer.'
      : 'A co-browse session is already on: end it before asking again.';
  if (err.code === 'rate-limited') return 'Too many messages at once: wait a moment, then try again.';
  return `The chat server refused that (${err.message}).`;
}

function askToJoin() {
  if (viewing()) return;
  chat.requestInvitation();
}

$('form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('input').value.trim();
  if (!text || !chat) return;
  try {
    chat.sendText(text);
    $('input').value = '';
  } catch (err) {
    // reconnecting (or closed): the text stays in the box to send again
    log('system', `Not sent: ${err.message}.`);
  }
});
$('invite').addEventListener('click', () => {
  if ($('invite').disabled) return;
  if (share === 'live') return askToJoin();
  chat.invite();
  setShare('asking');
  viewer.reset();
  log('system', 'Asked the customer to start a co-browse session…');
});

$('withdraw').addEventListener('click', () => chat?.end('agent'));

// <cobrowse-viewer> shows the page, the customer's cursor, the code, the state and an End button
viewer.addEventListener('cobrowse-end', () => chat?.end('agent'));
viewer.addEventListener('cobrowse-state', (e) => {
  if (e.detail.state === 'connected') setShare('live');
  // the element's own sentence for why it ended, with what to do next
  if (e.detail.state === 'ended') log('system', e.detail.message);
  renderControls();
});

/** The session whose share the chat has ended (its goodbye may still be on the way). */
let endedInChat = null;

async function view(invitation) {
  // a new share's invitation while the last one's session winds down: that one is over, end it now
  // (it was dropped before, and the customer's next share never reached this console)
  if (viewing() && viewer.session === endedInChat) viewer.session.stop('ended in the chat');
  if (viewing()) return;
  viewer.signaling = () => createPeerJsSignaling({ url: config.signaling, id: chat.welcome.peer.id, token: chat.welcome.peer.token });
  viewer.invitation = invitation;
  viewer.rtc = iceConfig(chat);
  window.cobrowseViewing = await viewer.start(); // for the end-to-end tests and devtools
}
