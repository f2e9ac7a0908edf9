// @ts-check
// Rooms in Redis, for N server processes (REDIS_URL). The same interface as the in-memory store
// (rooms.mjs), so the chat code has one path. What lives where (PROTOCOL.md, "Running N processes"):
//
//   cb:room:<id>   JSON: name, queue, invite, share, issued peer ids (+ role); expires roomIdleMs after
//                  the last contact (a process refreshes the rooms it has connections in)
//   cb:hist:<id>   list: the chat history replayed on join (bounded)
//   cb:mem:<id>    hash <process>/<peer> -> party: who is connected, on which process
//   cb:rooms       set of room ids (the agents' list)
//   cb:procs       sorted set process -> last heartbeat: a process silent for 3 beats is dead, its
//                  members are dropped from the rooms
//   cb:pj:<peer>   which process holds the PeerJS socket of that peer id
//
// Pub/sub: one channel per room (cb:r:<id>) that each process with a connection in the room subscribes
// to — room events, state changes and directed chat messages (signal, invitation, request-invitation)
// go there — and one per process (cb:p:<process>) for the PeerJS relay, whose OFFER/ANSWER/CANDIDATE
// are addressed to one peer id whose process is known (cb:pj). A per-room channel means a process
// only hears the rooms it serves; a per-process channel would make every sender look up every member.
//
// Each process keeps the rooms it serves in a local cache (so the chat code stays synchronous) and
// applies the state others publish. Concurrent changes of one room on two processes: the last write
// wins (people click, they do not race; see "still weak" in PROTOCOL.md).
import { createClient } from 'redis';
import { randomId } from './tokens.mjs';
import { deliverHere, issuePeerId, toRoleHere } from './rooms.mjs';
import { BEAT_MS, createPresence, createRefresher } from './redis-liveness.mjs';
import { createPeerJsRelay } from './redis-relay.mjs';
import { takeToken } from './redis-rate.mjs';
import { fromStored, toStored } from './redis-room-state.mjs';

/** @typedef {import('./rooms.mjs').Room} Room */
/** @typedef {import('./rooms.mjs').Party} Party */
/** @typedef {import('./rooms.mjs').Member} Member */
/** @typedef {import('./tokens.mjs').Role} Role */
/** @typedef {import('./redis-room-state.mjs').CachedRoom} CachedRoom */
/** @typedef {import('./redis-room-state.mjs').StoredRoom} StoredRoom */
/**
 * What goes on a room's channel: a state change, a room event (replayed from history when `stored`),
 * a message to one peer id, or to every connection of one role. On the wire with the room and the
 * sending process: RoomEnvelope.
 * @typedef {{ kind: 'state', state: StoredRoom }
 *   | { kind: 'event', msg: { type?: string, from?: Party }, stored: boolean }
 *   | { kind: 'to', to: string, msg: object }
 *   | { kind: 'role', role: Role, msg: object }} RoomMessage
 */
/** @typedef {RoomMessage & { room: string, proc: string }} RoomEnvelope */

/** A room this process does not serve stays cached this long after it was last loaded. */
const EVICT_AFTER_MS = 5 * BEAT_MS;

/**
 * @param {{ url: string, limits: { historySize: number, maxRooms: number }, roomIdleMs: number, log: (line: string) => void, prefix?: string }} options
 */
export async function createRedisRoomStore({ url, limits, roomIdleMs, log, prefix = 'cb:' }) {
  const proc = randomId(9);
  /** @type {import('redis').RedisClientType} */
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (/** @type {Error} */ err) => log(`redis: ${err.message}`));
  await pub.connect();
  await sub.connect();
  const key = {
    room: (/** @type {string} */ id) => `${prefix}room:${id}`,
    hist: (/** @type {string} */ id) => `${prefix}hist:${id}`,
    mem: (/** @type {string} */ id) => `${prefix}mem:${id}`,
    chan: (/** @type {string} */ id) => `${prefix}r:${id}`,
    proc: (/** @type {string} */ p) => `${prefix}p:${p}`,
    pj: (/** @type {string} */ peer) => `${prefix}pj:${peer}`,
    rate: (/** @type {string} */ name) => `${prefix}rate:${name}`,
    rooms: `${prefix}rooms`,
    procs: `${prefix}procs`,
  };
  const ttlS = Math.max(1, Math.ceil(roomIdleMs / 1000));
  const presence = createPresence({ pub, procsKey: key.procs, proc });
  const refresher = createRefresher({ pub, ttlS, roomIdleMs, log });
  const relay = createPeerJsRelay({ pub, sub, proc, peerKey: key.pj, procChannel: key.proc, ttlS, presence });

  /** @type {Map<string, CachedRoom>} */
  const rooms = new Map();
  /** @type {Map<string, Promise<CachedRoom | null>>} loads in flight */
  const loading = new Map();
  /** @type {import('./redis-room-state.mjs').PeerIndex} */
  const peers = new Map();

  await beat();
  await relay.listen();
  const timer = setInterval(() => beat().catch((err) => log(`redis: heartbeat ${err.message}`)), BEAT_MS);
  timer.unref();

  /** Heartbeat: say we are alive, learn who else is, drop the members of dead processes, evict idle rooms. */
  async function beat() {
    const now = Date.now();
    await presence.beat(now);
    const refresh = refresher.batch();
    for (const room of [...rooms.values()]) {
      await dropDeadMembers(room, now);
      if (room.members.size > 0 || room.holds > 0) {
        if (refresher.due(room.refreshed ?? 0, now)) {
          room.refreshed = now;
          for (const k of [key.room(room.id), key.hist(room.id), key.mem(room.id)]) refresh.push(k);
        }
      }
      // not while a socket is being accepted into it (loaded moments ago, not joined yet)
      else if (now - room.touched > EVICT_AFTER_MS) evict(room);
    }
    relay.refresh(now, refresher, refresh);
    await refresh.send(); // one round trip for all of them
  }

  /** The members of processes that died leave; this process tells its own members. @param {CachedRoom} room @param {number} now */
  async function dropDeadMembers(room, now) {
    for (const [peer, r] of room.remote) {
      if (presence.has(r.proc)) continue;
      room.remote.delete(peer);
      await pub.hDel(key.mem(room.id), `${r.proc}/${peer}`);
      // back already on this process (it reconnected with `resume` before the death was noticed)
      if ([...room.members].some((m) => m.party.peer === peer)) continue;
      // only to this process's members: every surviving process tells its own
      for (const m of room.members) m.send({ type: 'leave', from: r.party, at: now, id: 0, reason: 'server-lost' });
    }
  }

  /** @param {CachedRoom} room */
  function evict(room) {
    rooms.delete(room.id);
    for (const id of room.peers) peers.delete(id);
    sub.unsubscribe(key.chan(room.id)).catch(() => {});
  }

  /** A message on a room's channel, from another process. @param {string} raw */
  function onRoomMessage(raw) {
    const env = /** @type {RoomEnvelope} */ (JSON.parse(raw));
    if (env.proc === proc) return;
    presence.heard(env.proc); // heard from: alive (until a heartbeat round says otherwise)
    const room = rooms.get(env.room);
    if (!room) return;
    if (env.kind === 'state') {
      if (env.state.v >= room.v) fromStored(env.state, room, peers);
    } else if (env.kind === 'event') {
      const msg = env.msg;
      if (msg.type === 'join' && msg.from) room.remote.set(msg.from.peer, { party: msg.from, proc: env.proc });
      if (msg.type === 'leave' && msg.from) room.remote.delete(msg.from.peer);
      if (env.stored) pushHistory(room, msg);
      for (const m of room.members) m.send(msg);
    } else if (env.kind === 'to') {
      for (const m of room.members) if (m.party.peer === env.to) m.send(env.msg);
    } else if (env.kind === 'role') {
      for (const m of room.members) if (m.party.role === env.role) m.send(env.msg);
    }
  }

  /** @param {Room} room @param {object} msg */
  function pushHistory(room, msg) {
    room.history.push(msg);
    if (room.history.length > limits.historySize) room.history.shift();
  }

  /** Fetches a room from Redis into the cache, subscribed to its channel. @param {string} id */
  async function fetchRoom(id) {
    // subscribe first: nothing published after the read below is missed
    await sub.subscribe(key.chan(id), onRoomMessage);
    const [state, history, members] = await Promise.all([pub.get(key.room(id)), pub.lRange(key.hist(id), 0, -1), pub.hGetAll(key.mem(id))]);
    if (!state) {
      if (!rooms.has(id)) await sub.unsubscribe(key.chan(id));
      return null;
    }
    const cached = rooms.get(id);
    if (cached) return cached; // loaded meanwhile
    const room = fromStored(JSON.parse(state), undefined, peers);
    room.history = history.map((h) => JSON.parse(h));
    room.touched = Date.now();
    for (const [field, party] of Object.entries(members)) {
      const [p, peer] = /** @type {[string, string]} */ (field.split('/'));
      if (presence.has(p) && p !== proc) room.remote.set(peer, { party: JSON.parse(party), proc: p });
    }
    rooms.set(id, room);
    return room;
  }

  /** @param {string} id @param {RoomMessage} env */
  const publish = (id, env) =>
    pub.publish(key.chan(id), JSON.stringify({ ...env, room: id, proc })).catch((err) => log(`redis: publish ${err.message}`));

  return {
    /** This process's id (its members in cb:mem, its PeerJS channel). */
    proc,
    rooms,
    get size() {
      return rooms.size;
    },

    /** @param {string} customerName @param {string} [queue] */
    async create(customerName, queue = 'default') {
      if ((await pub.sCard(key.rooms)) >= limits.maxRooms) return null;
      const now = Date.now();
      const room = fromStored(
        { id: randomId(12), customerName, queue, createdAt: now, invite: null, share: null, peers: [], v: 0 },
        undefined,
        peers,
      );
      room.idleSince = now;
      await pub.sAdd(key.rooms, room.id);
      await pub.set(key.room(room.id), JSON.stringify(toStored(room, peers)), { EX: ttlS });
      return room;
    },

    /** The cached room (null when this process does not serve it: `load` fetches it). @param {string} id */
    get(id) {
      return rooms.get(id) ?? null;
    },

    /** @param {string} id */
    async load(id) {
      const cached = rooms.get(id);
      if (cached) {
        cached.touched = Date.now();
        return cached;
      }
      let p = loading.get(id);
      if (!p) {
        p = fetchRoom(id).finally(() => loading.delete(id));
        loading.set(id, p);
      }
      return p;
    },

    async list() {
      const ids = await pub.sMembers(key.rooms);
      const states = ids.length ? await pub.mGet(ids.map(key.room)) : [];
      const gone = ids.filter((_, i) => !states[i]);
      if (gone.length) await pub.sRem(key.rooms, gone); // expired
      /** @type {Room[]} */
      const out = [];
      for (const [i, id] of ids.entries()) {
        const raw = states[i];
        if (!raw) continue;
        const room = rooms.get(id) ?? fromStored(JSON.parse(raw), undefined, peers);
        if (!rooms.has(room.id)) {
          // not served here: who is online comes from the member hash, not a subscription
          for (const [field, party] of Object.entries(await pub.hGetAll(key.mem(room.id)))) {
            const [p, peer] = /** @type {[string, string]} */ (field.split('/'));
            if (presence.has(p)) room.remote.set(peer, { party: JSON.parse(party), proc: '' });
          }
          for (const peerId of room.peers) if (!rooms.has(peers.get(peerId)?.room ?? '')) peers.delete(peerId);
        }
        out.push(room);
      }
      return out;
    },

    /** @param {CachedRoom} room */
    async save(room) {
      room.v += 1;
      const state = toStored(room, peers);
      try {
        // one transaction, queued now: the state reaches the other processes before any event published after it
        await pub
          .multi()
          .set(key.room(room.id), JSON.stringify(state), { EX: ttlS })
          .publish(key.chan(room.id), JSON.stringify({ kind: 'state', state, room: room.id, proc }))
          .exec();
      } catch (err) {
        log(`redis: save ${/** @type {Error} */ (err).message}`); // the cache still has it; the next save retries
      }
    },

    /** @param {string} id */
    hold(id) {
      const room = rooms.get(id);
      if (room) room.holds += 1;
    },
    /** @param {string} id */
    release(id) {
      const room = rooms.get(id);
      if (room) room.holds -= 1;
    },

    /** @param {Room} room @param {Member} member */
    join(room, member) {
      room.members.add(member);
      room.idleSince = 0;
      pub.hSet(key.mem(room.id), `${proc}/${member.party.peer}`, JSON.stringify(member.party)).catch((err) => log(`redis: ${err.message}`));
    },
    /** @param {Room} room @param {Member} member */
    leave(room, member) {
      room.members.delete(member);
      if (room.members.size === 0) room.idleSince = Date.now();
      pub.hDel(key.mem(room.id), `${proc}/${member.party.peer}`).catch((err) => log(`redis: ${err.message}`));
    },
    /** @param {CachedRoom} room */
    participants(room) {
      // by peer id: a participant that reconnected here may still be listed on a dying process
      const byPeer = new Map(
        [...room.remote.values()].filter((r) => presence.has(r.proc) || r.proc === '').map((r) => [r.party.peer, r.party]),
      );
      for (const m of room.members) byPeer.set(m.party.peer, m.party);
      return [...byPeer.values()];
    },

    /** @param {string} id */
    peer(id) {
      return peers.get(id) ?? null;
    },

    /** @param {Room} room @param {Role} role */
    issuePeer(room, role) {
      // live ids on this process are kept; one held on another process could still be retired (rare:
      // 64 ids issued while it stays connected)
      return issuePeerId(room, role, peers);
    },

    /** @param {Room} room @param {object} msg @param {object | null} [stored] */
    broadcast(room, msg, stored = msg) {
      if (stored) {
        pushHistory(room, stored);
        pub
          .multi()
          .rPush(key.hist(room.id), JSON.stringify(stored))
          .lTrim(key.hist(room.id), -limits.historySize, -1)
          .expire(key.hist(room.id), ttlS)
          .exec()
          .catch((err) => log(`redis: history ${err.message}`));
      }
      for (const member of room.members) member.send(msg);
      publish(room.id, { kind: 'event', msg, stored: Boolean(stored) });
    },

    /** @param {CachedRoom} room @param {string} to @param {(party: Party) => object} make */
    deliver(room, to, make) {
      const parties = deliverHere(room, to, make);
      const remote = room.remote.get(to);
      if (!parties.length && remote && presence.has(remote.proc)) {
        publish(room.id, { kind: 'to', to, msg: make(remote.party) });
        parties.push(remote.party);
      }
      return parties;
    },

    /** @param {CachedRoom} room @param {Role} role @param {object} msg */
    toRole(room, role, msg) {
      const n = toRoleHere(room, role, msg);
      const remote = [...room.remote.values()].filter((r) => r.party.role === role && presence.has(r.proc)).length;
      if (remote) publish(room.id, { kind: 'role', role, msg });
      return n + remote;
    },

    /** The PeerJS relay between processes. */
    peerjs: relay.bus,

    /**
     * Takes one token from the bucket `name`, shared by every process; false when empty (let through
     * when Redis cannot answer: a limit must not become an outage).
     * @param {string} name @param {number} burst @param {number} perSecond
     */
    take(name, burst, perSecond) {
      return takeToken(pub, key.rate(name), burst, perSecond, log);
    },

    /** Expiry does the sweeping in Redis; here only the cache is trimmed (by the heartbeat). */
    sweep() {},

    async close() {
      clearInterval(timer);
      await presence.leave();
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
