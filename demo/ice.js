// STUN/TURN for the demo's connections: the chat's welcome brings servers with ephemeral TURN
// credentials; they expire (TURN_TTL), so they are fetched again from the signaling server every
// 20 minutes, and the sessions get a function that returns the latest (it is called for every new
// connection: a reconnection, the next page dialing back). `?relay=1` on a page forces the relay.
export function iceConfig(config, chat, token) {
  if (!chat.welcome.iceServers) return undefined;
  const relay = new URLSearchParams(location.search).has('relay');
  let iceServers = chat.welcome.iceServers;
  setInterval(async () => {
    try {
      const res = await fetch(`${config.signaling}/api/ice-servers`, { headers: { authorization: `Bearer ${token}` } });
      if (res.ok) iceServers = (await res.json()).iceServers;
    } catch {
      // keep the last ones; the next round tries again
    }
  }, 20 * 60_000);
  return () => ({ iceServers, ...(relay && { iceTransportPolicy: 'relay' }) });
}
