// The agent console: the support agent's chat list, one chat, and the customer's page.
// Talks to the reference signaling server (server/) like any chat would. Served from its own
// origin (demo/server.mjs): the agent's sign-in never reaches the shop's origin.
// the CDN build: self-contained ES modules (Lit, fflate, tweetnacl inside) for a page with no bundler
import { connectReferenceChat, createPeerJsSignaling } from '/dist/cdn/cobrowse-rtc.js';
import '/dist/cdn/cobrowse-rtc-viewer.js'; // registers <cobrowse-viewer>
import { iceConfig } from './ice.js';

const $ = (id) => document.getElementById(id);
const config = await (await fetch('/config.json')).json();
let chat = null;

// The agent's JWT, from the console's own server (the demo's stand-in for the site's identity
// provider); fetched again shortly before it expires.
let session = null;
async function bearer() {
  if (!session || session.expiresAt - Date.now() < 60_000) session = await (await fetch('/session.json')).json();
  return { authorization: `Bearer ${session.token}` };
}

const log = (who, text) => {
  const li = document.createElement('li');
  const b = document.createElement('b');
  b.textContent = who;
  li.append(b, ' ', text);
  $('log').append(li);
  li.scrollIntoView({ block: 'end' });
};

async function listRooms() {
  // only the rooms this agent's token allows; a chat token is fetched for the one opened
  const rooms = await (await fetch(`${config.signaling}/api/rooms`, { headers: await bearer() })).json();
  if (!rooms.length) return;
  const list = $('rooms');
  list.replaceChildren(
    ...rooms.map((r) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.room = r.room;
      button.textContent = `${r.customerName || 'Customer'} — ${new Date(r.createdAt).toLocaleTimeString()}`;
      button.addEventListener('click', () => openChat(r.room));
      li.append(button);
      return li;
    }),
  );
}
await listRooms();
setInterval(() => chat || listRooms(), 2000);

async function openChat(room) {
  if (chat) chat.close();
  const res = await fetch(`${config.signaling}/api/rooms/${encodeURIComponent(room)}/agent-token`, {
    method: 'POST',
    headers: { ...(await bearer()), 'content-type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) return log('system', `Could not open this chat: ${(await res.json()).message}`);
  chat = await connectReferenceChat({ url: config.signaling, token: (await res.json()).token });
  $('chat').hidden = false;
  $('log').replaceChildren();
  for (const e of chat.welcome.history) if (e.type === 'text') log(e.from.name, e.text);
  chat.ontext = (e) => log(e.from.name, e.text);
  chat.ondecline = () => log('system', 'The customer declined.');
  // remote control as the customer's page reported it to the room (each agent's console says so)
  chat.oncontrol = (e) => {
    const who = e.viewer === chat.welcome.peer.id ? 'You' : (chat.participant(e.viewer)?.name ?? 'An agent');
    const text = {
      requested: `${who} asked to control the customer's page.`,
      granted: `The customer let ${who === 'You' ? 'you' : who} control the page.`,
      denied: `The customer did not let ${who === 'You' ? 'you' : who} control the page.`,
      ended: `Control of the customer's page ended (${e.reason ?? 'ended'}).`,
      refused: `The customer's page refused an action (${e.reason ?? 'refused'}).`,
    }[e.event];
    if (text && e.event !== 'refused') log('system', text);
  };
  // the secret comes only to this console, from the customer's page: never from the room
  chat.oninvitation = (e) => view(e.invitation);
  // a share another agent asked for, or the customer offered: ask the customer's page to let us in
  chat.onaccept = (e) => e.invitedBy?.peer !== chat.welcome.peer.id && askToJoin();
  // the customer's Stop also ends the session over the data channel, with its reason: give that a
  // moment to arrive before ending here (the chat is usually faster than the goodbye)
  chat.onend = () => setTimeout(() => viewer.session?.stop('ended in the chat'), 2000);
  chat.onerror = (err) => log('system', `${err.code}: ${err.message}`);
  // the chat comes back by itself after a lost connection; what was said meanwhile arrives then
  const STATE_TEXT = {
    reconnecting: 'Lost the connection to the chat: reconnecting…',
    connected: 'Back in the chat.',
    closed: 'The chat closed.',
  };
  chat.onstate = (state) => log('system', STATE_TEXT[state]);
  // the customer is already sharing: the welcome says so, but never carries the secret
  if (chat.welcome.share.state === 'active') askToJoin();
}

function askToJoin() {
  if (viewer.session && viewer.state !== 'ended') return;
  chat.requestInvitation();
  log('system', 'The customer is sharing: asked to join…');
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
  // an agent views one page at a time (the product's promise); supervisors use their own console
  if (viewer.session && viewer.state !== 'ended') return log('system', 'End the current co-browse session first.');
  chat?.invite();
  log('system', 'Asked the customer to share their page…');
});

// <cobrowse-viewer> shows the page, the customer's cursor, the code, the state and an End button
const viewer = $('viewer');
viewer.addEventListener('cobrowse-end', () => chat?.end('ended by the agent'));
viewer.addEventListener('cobrowse-state', (e) => {
  if (e.detail.state === 'ended') log('system', `Co-browse ended (${e.detail.reason}).`);
});

async function view(invitation) {
  if (viewer.session && viewer.state !== 'ended') return;
  viewer.signaling = () => createPeerJsSignaling({ url: config.signaling, id: chat.welcome.peer.id, token: chat.welcome.peer.token });
  viewer.invitation = invitation;
  viewer.rtc = iceConfig(chat);
  window.cobrowseViewing = await viewer.start(); // for the end-to-end tests and devtools
}
