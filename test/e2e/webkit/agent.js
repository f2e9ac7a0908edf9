// The agent's side of test/e2e/webkit-customer.test.mjs (Chromium): the reference chat with the
// token the test got for it, an invitation, and the view over the WebSocket relay (relay-transport.js).
import { connectReferenceChat, createPeerJsSignaling, startViewing, TransportError } from '/dist/cdn/cobrowse-rtc.js';
import { relayTransport } from './relay-transport.js';

const config = await (await fetch('/config.json')).json();
const chat = await connectReferenceChat({ url: config.signaling, token: new URLSearchParams(location.search).get('token') });
// the secret comes only to this page, from the customer's
chat.oninvitation = async (e) => {
  window.cobrowseViewing = await startViewing({
    container: document.getElementById('view'),
    signaling: () => createPeerJsSignaling({ url: config.signaling, id: chat.welcome.peer.id, token: chat.welcome.peer.token }),
    invitation: e.invitation,
    createTransport: relayTransport(config.relay, TransportError),
  });
};
window.invite = () => chat.invite();
document.getElementById('chat-state').textContent = 'online';
