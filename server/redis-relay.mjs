// @ts-check
// The PeerJS relay between processes, for the Redis room store (redis-rooms.mjs). A PeerJS frame is
// addressed to one peer id; `cb:pj:<peer>` names the process that holds that peer's socket (expiring
// like the rooms while the socket lives), and each process listens on its own channel `cb:p:<process>`
// for the frames other processes relay to its sockets.

/** @typedef {import('redis').RedisClientType} RedisClient */
/** @typedef {import('./rooms.mjs').RelayedFrame} RelayedFrame */

/**
 * @param {object} options
 * @param {RedisClient} options.pub
 * @param {RedisClient} options.sub  the subscriber connection
 * @param {string} options.proc  this process
 * @param {(peer: string) => string} options.peerKey  the key naming the holder of a peer id's socket
 * @param {(proc: string) => string} options.procChannel  a process's channel
 * @param {number} options.ttlS
 * @param {import('./redis-liveness.mjs').Presence} options.presence
 */
export function createPeerJsRelay({ pub, sub, proc, peerKey, procChannel, ttlS, presence }) {
  /** @type {Set<string>} peer ids whose PeerJS socket is on this process (their keys expire too) */
  const here = new Set();
  let refreshedAt = Date.now();
  /** @type {(msg: RelayedFrame) => void} */
  let onRelay = () => {};

  return {
    /** Starts hearing the frames relayed to this process. */
    listen: () => sub.subscribe(procChannel(proc), (raw) => onRelay(JSON.parse(raw))),

    /**
     * Pushes the expiry of this process's peer keys forward when they are due.
     * @param {number} now @param {import('./redis-liveness.mjs').Refresher} refresher
     * @param {import('./redis-liveness.mjs').RefreshBatch} batch
     */
    refresh(now, refresher, batch) {
      if (!refresher.due(refreshedAt, now)) return;
      refreshedAt = now;
      for (const peer of here) batch.push(peerKey(peer));
    },

    /** The store's `peerjs`, for the PeerJS gate. @type {import('./rooms.mjs').PeerJsBus} */
    bus: {
      onRelay(fn) {
        onRelay = fn;
      },
      async register(peer) {
        here.add(peer);
        await pub.set(peerKey(peer), proc, { EX: ttlS });
      },
      async unregister(peer) {
        here.delete(peer);
        if ((await pub.get(peerKey(peer))) === proc) await pub.del(peerKey(peer));
      },
      async relay(msg) {
        const owner = await pub.get(peerKey(msg.dst));
        if (!owner || owner === proc) return false;
        // a process started since our last heartbeat is not in `live` yet: ask for its beat
        if (!presence.has(owner) && !(await presence.beatsRecently(owner))) return false;
        await pub.publish(procChannel(owner), JSON.stringify(msg));
        return true;
      },
    },
  };
}
