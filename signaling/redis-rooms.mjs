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

/** @typedef {import('./rooms.mjs').Room} Room */
/** @typedef {import('./rooms.mjs').Party} Party */
/** @typedef {import('./tokens.mjs').Role} Role */

/**
 * A token bucket in Redis (a hash `t` tokens, `at` ms), taken atomically by any process: the burst,
 * then ARGV[2] tokens a second; Redis's clock, so the processes' clocks do not matter. 1 or 0.
 */
const TAKE_SCRIPT = `
  local burst, rate = tonumber(ARGV[1]), tonumber(ARGV[2]) / 1000
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local b = redis.call('HMGET', KEYS[1], 't', 'at')
  local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - (tonumber(b[2]) or now)) * rate)
  local ok = 0
  if tokens >= 1 then tokens = tokens - 1; ok = 1 end
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
  return ok`;

const BEAT_MS = 2000;
const DEAD_AFTER_MS = 3 * BEAT_MS;
const EVICT_AFTER_MS = 5 * BEAT_MS;

/**
 * @param {{ url: string, limits: { historySize: number, maxRooms: number }, roomIdleMs: number, log: (line: string) => void, prefix?: string }} options
 */
export async function createRedisRoomStore({ url, limits, roomIdleMs, log, prefix = 'cb:' }) {
  const proc = randomId(9);
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
  // the keys of rooms in use are pushed forward a quarter of their lifetime at a time, not every beat
  const REFRESH_MS = Math.max(BEAT_MS, Math.min(roomIdleMs / 4, 60_000));
  /** @type {Set<string>} peer ids whose PeerJS socket is on this process (their cb:pj keys expire too) */
  const pjHere = new Set();
  let pjRefreshed = Date.now();
  /**
   * Whether keys last refreshed at `at` are due at this beat. Half a beat of slack: a beat that comes
   * a millisecond early must not put the refresh off by a whole beat (with a 4 s TTL and 2 s beats,
   * that let keys expire between two refreshes: a third of the rooms lost in a CI run).
   * @param {number} at @param {number} now
   */
  const due = (at, now) => now - at + BEAT_MS / 2 >= REFRESH_MS;

  /** @type {Map<string, Room & { remote: Map<string, { party: Party, proc: string }>, v: number, holds: number, touched: number, refreshed?: number }>} */
  const rooms = new Map();
  /** @type {Map<string, Promise<any>>} loads in flight */
  const loading = new Map();
  /** @type {Map<string, { room: string, role: Role }>} */
  const peers = new Map();
  /** @type {Set<string>} */
  let live = new Set([proc]);
  /** @type {(msg: { type: string, src: string, dst: string, payload: unknown }) => void} */
  let onRelay = () => {};

  await beat();
  await sub.subscribe(key.proc(proc), (raw) => onRelay(JSON.parse(raw)));
  const timer = setInterval(() => beat().catch((err) => log(`redis: heartbeat ${err.message}`)), BEAT_MS);
  timer.unref();

  /** Heartbeat: say we are alive, learn who else is, drop the members of dead processes, evict idle rooms. */
  async function beat() {
    const now = Date.now();
    await pub.zAdd(key.procs, { score: now, value: proc });
    live = new Set(await pub.zRangeByScore(key.procs, now - DEAD_AFTER_MS, '+inf'));
    live.add(proc);
    const refresh = pub.multi();
    let refreshing = false;
    const push = (/** @type {string} */ k) => {
      refresh.expire(k, ttlS);
      refreshing = true;
    };
    for (const room of [...rooms.values()]) {
      for (const [peer, r] of room.remote) {
        if (live.has(r.proc)) continue;
        room.remote.delete(peer);
        await pub.hDel(key.mem(room.id), `${r.proc}/${peer}`);
        // back already on this process (it reconnected with `resume` before the death was noticed)
        if ([...room.members].some((m) => m.party.peer === peer)) continue;
        // only to this process's members: every surviving process tells its own
        for (const m of room.members) m.send({ type: 'leave', from: r.party, at: now, id: 0, reason: 'server-lost' });
      }
      if (room.members.size > 0 || room.holds > 0) {
        if (due(room.refreshed ?? 0, now)) {
          room.refreshed = now;
          for (const k of [key.room(room.id), key.hist(room.id), key.mem(room.id)]) push(k);
        }
      }
      // not while a socket is being accepted into it (loaded moments ago, not joined yet)
      else if (now - room.touched > EVICT_AFTER_MS) evict(room);
    }
    if (due(pjRefreshed, now)) {
      pjRefreshed = now;
      for (const peer of pjHere) push(key.pj(peer));
    }
    // one round trip for all of them (a pipeline, not a transaction)
    if (refreshing) await refresh.exec(true).catch((/** @type {Error} */ err) => log(`redis: refresh ${err.message}`));
  }

  /** Whether process `p` has sent a heartbeat lately (and so counts as alive from now on). @param {string} p */
  async function beatsRecently(p) {
    const at = await pub.zScore(key.procs, p);
    if (at === null || Date.now() - at > DEAD_AFTER_MS) return false;
    live.add(p);
    return true;
  }

  /** @param {Room & { holds: number }} room */
  function evict(room) {
    rooms.delete(room.id);
    for (const id of room.peers) peers.delete(id);
    sub.unsubscribe(key.chan(room.id)).catch(() => {});
  }

  /** The stored form of a room's state (no members, no history). @param {Room & { v: number }} room */
  const stateOf = (room) => ({
    id: room.id,
    customerName: room.customerName,
    queue: room.queue,
    createdAt: room.createdAt,
    invite: room.invite,
    share: room.share && { ...room.share, sharers: [...room.share.sharers], viewers: [...room.share.viewers] },
    peers: room.peers.map((id) => [id, peers.get(id)?.role ?? 'customer']),
    v: room.v,
  });

  /** @param {any} state @param {(Room & { remote: Map<string, { party: Party, proc: string }>, v: number, holds: number }) | undefined} into */
  function applyState(state, into) {
    const room = into ?? /** @type {any} */ ({ members: new Set(), remote: new Map(), history: [], holds: 0, idleSince: 0, touched: Date.now() });
    Object.assign(room, {
      id: state.id,
      customerName: state.customerName,
      queue: state.queue,
      createdAt: state.createdAt,
      invite: state.invite,
      share: state.share && { ...state.share, sharers: new Set(state.share.sharers), viewers: new Set(state.share.viewers) },
      peers: state.peers.map((/** @type {[string, Role]} */ [id]) => id),
      v: state.v,
    });
    for (const [id, role] of state.peers) peers.set(id, { room: state.id, role });
    return room;
  }

  /** A message on a room's channel, from another process. @param {string} raw */
  function onRoomMessage(raw) {
    const env = JSON.parse(raw);
    if (env.proc === proc) return;
    live.add(env.proc); // heard from: alive (until a heartbeat round says otherwise)
    const room = rooms.get(env.room);
    if (!room) return;
    if (env.kind === 'state') {
      if (env.state.v >= room.v) applyState(env.state, room);
    } else if (env.kind === 'event') {
      const msg = env.msg;
      if (msg.type === 'join') room.remote.set(msg.from.peer, { party: msg.from, proc: env.proc });
      if (msg.type === 'leave') room.remote.delete(msg.from.peer);
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
    const room = applyState(JSON.parse(state), undefined);
    room.history = history.map((h) => JSON.parse(h));
    room.touched = Date.now();
    for (const [field, party] of Object.entries(members)) {
      const [p, peer] = field.split('/');
      if (live.has(p) && p !== proc) room.remote.set(peer, { party: JSON.parse(party), proc: p });
    }
    rooms.set(id, room);
    return room;
  }

  /** @param {string} id @param {object} env */
  const publish = (id, env) => pub.publish(key.chan(id), JSON.stringify({ ...env, room: id, proc })).catch((err) => log(`redis: publish ${err.message}`));

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
      const room = applyState({ id: randomId(12), customerName, queue, createdAt: now, invite: null, share: null, peers: [], v: 0 }, undefined);
      room.idleSince = now;
      await pub.sAdd(key.rooms, room.id);
      await pub.set(key.room(room.id), JSON.stringify(stateOf(room)), { EX: ttlS });
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
      for (let i = 0; i < ids.length; i++) {
        const raw = states[i];
        if (!raw) continue;
        const room = rooms.get(ids[i]) ?? applyState(JSON.parse(raw), undefined);
        if (!rooms.has(room.id)) {
          // not served here: who is online comes from the member hash, not a subscription
          for (const [field, party] of Object.entries(await pub.hGetAll(key.mem(room.id)))) {
            if (live.has(field.split('/')[0])) room.remote.set(field.split('/')[1], { party: JSON.parse(party), proc: '' });
          }
          for (const id of room.peers) if (!rooms.has(peers.get(id)?.room ?? '')) peers.delete(id);
        }
        out.push(room);
      }
      return out;
    },

    /** @param {Room & { v: number }} room */
    async save(room) {
      room.v += 1;
      const state = stateOf(room);
      try {
        // one transaction, queued now: the state reaches the other processes before any event published after it
        await pub.multi().set(key.room(room.id), JSON.stringify(state), { EX: ttlS }).publish(key.chan(room.id), JSON.stringify({ kind: 'state', state, room: room.id, proc })).exec();
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

    /** @param {Room & { remote: Map<string, unknown> }} room @param {{ party: Party, send: (msg: object) => void }} member */
    join(room, member) {
      room.members.add(member);
      room.idleSince = 0;
      pub.hSet(key.mem(room.id), `${proc}/${member.party.peer}`, JSON.stringify(member.party)).catch((err) => log(`redis: ${err.message}`));
    },
    /** @param {Room} room @param {{ party: Party, send: (msg: object) => void }} member */
    leave(room, member) {
      room.members.delete(member);
      if (room.members.size === 0) room.idleSince = Date.now();
      pub.hDel(key.mem(room.id), `${proc}/${member.party.peer}`).catch((err) => log(`redis: ${err.message}`));
    },
    /** @param {Room & { remote: Map<string, { party: Party, proc: string }> }} room */
    participants(room) {
      // by peer id: a participant that reconnected here may still be listed on a dying process
      const byPeer = new Map([...room.remote.values()].filter((r) => live.has(r.proc) || r.proc === '').map((r) => [r.party.peer, r.party]));
      for (const m of room.members) byPeer.set(m.party.peer, m.party);
      return [...byPeer.values()];
    },

    /** @param {string} id */
    peer(id) {
      return peers.get(id) ?? null;
    },

    /** @param {Room & { v: number }} room @param {Role} role */
    issuePeer(room, role) {
      // live ids on this process are kept; one held on another process could still be retired (rare:
      // 64 ids issued while it stays connected)
      return issuePeerId(room, role, peers);
    },

    /** @param {Room} room @param {object} msg @param {object | null} [stored] */
    broadcast(room, msg, stored = msg) {
      if (stored) {
        pushHistory(room, stored);
        pub.multi().rPush(key.hist(room.id), JSON.stringify(stored)).lTrim(key.hist(room.id), -limits.historySize, -1).expire(key.hist(room.id), ttlS).exec().catch((err) => log(`redis: history ${err.message}`));
      }
      for (const member of room.members) member.send(msg);
      publish(room.id, { kind: 'event', msg, stored: Boolean(stored) });
    },

    /** @param {Room & { remote: Map<string, { party: Party, proc: string }> }} room @param {string} to @param {(party: Party) => object} make */
    deliver(room, to, make) {
      const parties = deliverHere(room, to, make);
      const remote = room.remote.get(to);
      if (!parties.length && remote && live.has(remote.proc)) {
        publish(room.id, { kind: 'to', to, msg: make(remote.party) });
        parties.push(remote.party);
      }
      return parties;
    },

    /** @param {Room & { remote: Map<string, { party: Party, proc: string }> }} room @param {Role} role @param {object} msg */
    toRole(room, role, msg) {
      const n = toRoleHere(room, role, msg);
      const remote = [...room.remote.values()].filter((r) => r.party.role === role && live.has(r.proc)).length;
      if (remote) publish(room.id, { kind: 'role', role, msg });
      return n + remote;
    },

    // The PeerJS relay between processes.
    peerjs: {
      /** @param {(msg: { type: string, src: string, dst: string, payload: unknown }) => void} fn */
      onRelay(fn) {
        onRelay = fn;
      },
      /** @param {string} peer */
      async register(peer) {
        pjHere.add(peer);
        await pub.set(key.pj(peer), proc, { EX: ttlS });
      },
      /** @param {string} peer */
      async unregister(peer) {
        pjHere.delete(peer);
        if ((await pub.get(key.pj(peer))) === proc) await pub.del(key.pj(peer));
      },
      /**
       * Sends a PeerJS message to the process holding `msg.dst`'s socket; false when no live process does.
       * @param {{ type: string, src: string, dst: string, payload: unknown }} msg
       */
      async relay(msg) {
        const owner = await pub.get(key.pj(msg.dst));
        if (!owner || owner === proc) return false;
        // a process started since our last heartbeat is not in `live` yet: ask for its beat
        if (!live.has(owner) && !(await beatsRecently(owner))) return false;
        await pub.publish(key.proc(owner), JSON.stringify(msg));
        return true;
      },
    },

    /**
     * Takes one token from the bucket `name`, shared by every process; false when empty. If Redis
     * cannot answer, the request is let through (and logged): a limit must not become an outage.
     * @param {string} name @param {number} burst @param {number} perSecond @returns {Promise<boolean>}
     */
    async take(name, burst, perSecond) {
      try {
        return (await pub.eval(TAKE_SCRIPT, { keys: [key.rate(name)], arguments: [String(burst), String(perSecond)] })) === 1;
      } catch (err) {
        log(`redis: rate limit ${/** @type {Error} */ (err).message}`);
        return true;
      }
    },

    /** Expiry does the sweeping in Redis; here only the cache is trimmed (by the heartbeat). */
    sweep() {},

    async close() {
      clearInterval(timer);
      await pub.zRem(key.procs, proc).catch(() => {});
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
