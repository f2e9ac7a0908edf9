// STUN/TURN for the demo's connections. The signaling server hands TURN credentials only to the
// participants of an accepted share (the customer's pages when it accepts, an agent with its
// invitation: `chat.ice`); they are short-lived (TURN_TTL, 10 minutes by default), so they are
// fetched again from the signaling server a minute before they expire. The sessions get a function
// that returns the latest: it is called for every new connection (a reconnection, the next page
// dialing back). `?relay=1` on a page forces the relay.
const REFRESH_BEFORE_MS = 60_000;

export function iceConfig(chat) {
  const relay = new URLSearchParams(location.search).has('relay');
  const timer = setInterval(() => {
    const ice = chat.ice;
    if (!ice || ice.expiresAt - Date.now() > REFRESH_BEFORE_MS) return;
    // refused (the share ended, the chat is gone): they are no longer ours to renew
    chat.refreshIce().catch((err) => ['forbidden', 'unauthorized'].includes(err.code) && clearInterval(timer));
  }, 15_000);
  return () => ({ iceServers: chat.ice?.iceServers ?? [], ...(relay && { iceTransportPolicy: 'relay' }) });
}
