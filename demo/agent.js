// The agent console: the support agent's chat list, one chat, and the customer's page.
// Talks to the reference signaling server (signaling/) like any chat would.
import { connectReferenceChat, startViewing } from '/dist/cobrowse-rtc.js';
import { iceConfig } from './ice.js';

const $ = (id) => document.getElementById(id);
const config = await (await fetch('/config.json')).json();
const auth = { authorization: `Bearer ${config.agentKey}` };
let chat = null;

const log = (who, text) => {
  const li = document.createElement('li');
  const b = document.createElement('b');
  b.textContent = who;
  li.append(b, ' ', text);
  $('log').append(li);
  li.scrollIntoView({ block: 'end' });
};

async function listRooms() {
  const rooms = await (await fetch(`${config.signaling}/api/rooms`, { headers: auth })).json();
  if (!rooms.length) return;
  const list = $('rooms');
  list.replaceChildren(
    ...rooms.map((r) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.room = r.room;
      button.textContent = `${r.customerName || 'Customer'} — ${new Date(r.createdAt).toLocaleTimeString()}`;
      button.addEventListener('click', () => openChat(r.agentToken));
      li.append(button);
      return li;
    }),
  );
}
await listRooms();
setInterval(() => chat || listRooms(), 2000);

let chatToken = null;

async function openChat(token) {
  if (chat) chat.close();
  chatToken = token;
  chat = await connectReferenceChat({ url: config.signaling, token });
  $('chat').hidden = false;
  $('log').replaceChildren();
  for (const e of chat.welcome.history) if (e.type === 'text') log(e.from.name, e.text);
  chat.ontext = (e) => log(e.from.name, e.text);
  chat.ondecline = () => log('system', 'The customer declined.');
  chat.onaccept = (e) => e.invitation.secret && view(e.invitation);
  // the customer's Stop also ends the session over the data channel, with its reason: give that a
  // moment to arrive before ending here (the chat is usually faster than the goodbye)
  chat.onend = () => setTimeout(() => viewer.session?.stop('ended in the chat'), 2000);
  chat.onerror = (err) => log('system', `${err.code}: ${err.message}`);
  // the customer accepted before this console opened the chat: the live invitation is in the welcome
  if (chat.welcome.share.state === 'active') view(chat.welcome.share.invitation);
}

$('form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('input').value.trim();
  if (text && chat) chat.sendText(text);
  $('input').value = '';
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
  viewer.signaling = { url: config.signaling, id: chat.welcome.peer.id, token: chat.welcome.peer.token };
  viewer.invitation = invitation;
  viewer.rtc = iceConfig(config, chat, chatToken);
  window.cobrowseViewing = await viewer.start(); // for the end-to-end tests and devtools
}
