// The customer's side of test/e2e/webkit-customer.test.mjs, on both pages of the fixture shop: the
// reference chat as the demo's widget uses it (demo/chat-widget.js), the sharer bundle from dist/,
// and every connection over the WebSocket relay (relay-transport.js) instead of WebRTC, which
// Debian's WebKitGTK does not have. The consent is the library's own (showConsent).
import { resumeSharing, showConsent, startSharing, TransportError } from '/dist/cdn/cobrowse-rtc-sharer.js';
import { connectReferenceChat, createPeerJsSignaling } from '/dist/cdn/cobrowse-rtc-reference-server.js';
import { relayTransport } from './relay-transport.js';

const config = await (await fetch('/config.json')).json();
const state = document.createElement('p');
state.id = 'chat-state';
state.setAttribute('data-cobrowse-ignore', ''); // the customer's own support UI is not the page
document.body.append(state);

// one room per tab, as the demo: the next page joins the same chat
let token = sessionStorage.getItem('relay-shop-token');
if (!token) {
  const res = await fetch(`${config.signaling}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ann (customer)' }),
  });
  token = (await res.json()).token;
  sessionStorage.setItem('relay-shop-token', token);
}
const chat = await connectReferenceChat({ url: config.signaling, token });
state.textContent = 'online';

const options = {
  signaling: () => createPeerJsSignaling({ url: config.signaling, id: chat.welcome.peer.id, token: chat.welcome.peer.token }),
  createTransport: relayTransport(config.relay, TransportError),
  viewerName: (peer) => chat.participant(peer)?.name ?? null,
};
let session = null;
const attach = (s) => {
  session = window.cobrowseSharing = s;
  showConsent(s);
};
chat.oninvite = async (e) => {
  if (e.from.role !== 'agent' || session) return;
  attach(await startSharing(options));
  chat.accept(session.invitation);
};
const resumed = await resumeSharing(options);
if (resumed) {
  attach(resumed);
  chat.shareMoved(resumed.invitation);
}
