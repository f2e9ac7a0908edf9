// @ts-check
// Rooms in memory: who is connected, the chat history replayed on join, the co-browse invitation state,
// and which PeerJS ids were issued in which room (the PeerJS gate checks `dst` against it).
import { randomId } from './tokens.mjs';
import { TokenBucket } from './limits.mjs';

/** @typedef {import('./tokens.mjs').Role} Role */
/** @typedef {{ role: Role, name: string, peer: string }} Party */
/**
 * An accepted co-browse session. The server never holds its secret: the customer's page sends the
 * invitation to each viewer it chooses, in directed messages the server relays and forgets.
 * @typedef {object} Share
 * @property {string} id        the `accept` message's id (the audit log's session)
 * @property {string} peer      the sharer's peer id named in the accept
 * @property {number} at
 * @property {Party | null} invitedBy  the agent whose invite was accepted (null: the customer offered)
 * @property {Set<string>} sharers  customer peer ids named in invitations (a later page has a new one)
 * @property {Set<string>} viewers  agent peer ids the customer sent the invitation to (TURN is theirs)
 */
/**
 * @typedef {object} Room
 * @property {string} id
 * @property {string} customerName
 * @property {string} queue  which agents may serve it (their tokens' queues claim)
 * @property {number} createdAt
 * @property {number} idleSince  when the last socket left (0 while someone is connected)
 * @property {object[]} history
 * @property {Set<Member>} members
 * @property {{ id: string, by: Role, from: Party, at: number } | null} invite  a pending invitation
 * @property {Share | null} share  an accepted one
 * @property {string[]} peers  PeerJS ids issued in this room, oldest first
 */
/**
 * One chat connection in a room. `replace`: close it, no `leave` (the same participant reconnected).
 * @typedef {{ party: Party, send: (msg: object) => void, replace?: () => void }} Member
 */
/** A PeerJS frame as PeerJS forwards it, and as it goes between processes. @typedef {{ type: string, src: string, dst: string, payload: unknown }} RelayedFrame */
/**
 * The PeerJS relay between processes (the Redis store's; none in memory): who holds which peer id's
 * socket, and the way to the process that holds it.
 * @typedef {object} PeerJsBus
 * @property {(fn: (msg: RelayedFrame) => void) => void} onRelay  frames other processes send to sockets here
 * @property {(peer: string) => Promise<void>} register  this process holds `peer`'s PeerJS socket
 * @property {(peer: string) => Promise<void>} unregister
 * @property {(msg: RelayedFrame) => Promise<boolean>} relay  to the process holding `msg.dst`; false when none does
 */
/**
 * What the chat code, the API and the PeerJS gate use of a room store. createRoomStore (below, one
 * process) and createRedisRoomStore (redis-rooms.mjs, N processes) implement it. Written as methods:
 * a store is only ever handed rooms it returned itself, so the Redis store's methods take its own
 * richer room (its cache entry); TypeScript compares method parameters bivariantly, which allows that.
 * @typedef {{
 *   rooms: Map<string, Room>,
 *   readonly size: number,
 *   create(customerName: string, queue?: string): Room | null | Promise<Room | null>,
 *   get(id: string): Room | null,
 *   load(id: string): Promise<Room | null>,
 *   list(): Promise<Room[]>,
 *   save(room: Room): Promise<void>,
 *   hold(id: string): void,
 *   release(id: string): void,
 *   join(room: Room, member: Member): void,
 *   leave(room: Room, member: Member): void,
 *   participants(room: Room): Party[],
 *   issuePeer(room: Room, role: Role): string,
 *   peer(id: string): { room: string, role: Role } | null,
 *   broadcast(room: Room, msg: object, stored?: object | null): void,
 *   deliver(room: Room, to: string, make: (party: Party) => object): Party[],
 *   toRole(room: Room, role: Role, msg: object): number,
 *   take(name: string, burst: number, perSecond: number): Promise<boolean>,
 *   sweep(idleMs: number): void,
 *   close(): Promise<void>,
 *   peerjs?: PeerJsBus,
 * }} RoomStore
 */

export const PEERS_PER_ROOM = 64;

/**
 * Takes out of `room.peers` the id to retire once the room has issued more than PEERS_PER_ROOM: the
 * oldest one no connected member holds. Never a live one: first-in first-out retired the agent's own
 * id at the customer's 64th page in one chat, and every dial to the agent was refused from then on.
 * (Members are at most `maxMembers`, fewer than PEERS_PER_ROOM, so there is always one to retire.)
 * @param {Room} room
 * @returns {string | null}
 */
export function retirePeer(room) {
  const live = new Set([...room.members].map((m) => m.party.peer));
  const i = room.peers.findIndex((id) => !live.has(id));
  return i < 0 ? null : /** @type {string} */ (room.peers.splice(i, 1)[0]);
}

/**
 * Issues a fresh PeerJS id in `room` and records it in `peers` (id → room and role); past
 * PEERS_PER_ROOM ids, the oldest one no connected member holds is retired from both.
 * @param {Room} room @param {Role} role @param {Map<string, { room: string, role: Role }>} peers
 */
export function issuePeerId(room, role, peers) {
  const id = randomId(12);
  peers.set(id, { room: room.id, role });
  room.peers.push(id);
  const retired = room.peers.length > PEERS_PER_ROOM ? retirePeer(room) : null;
  if (retired) peers.delete(retired);
  return id;
}

/**
 * Sends `make(party)` to this process's chat connections with peer id `to`; the parties it reached.
 * @param {Room} room @param {string} to @param {(party: Party) => object} make @returns {Party[]}
 */
export function deliverHere(room, to, make) {
  /** @type {Party[]} */
  const parties = [];
  for (const m of room.members) {
    if (m.party.peer === to) {
      m.send(make(m.party));
      parties.push(m.party);
    }
  }
  return parties;
}

/** Sends `msg` to this process's connections of one role; how many. @param {Room} room @param {Role} role @param {object} msg */
export function toRoleHere(room, role, msg) {
  let n = 0;
  for (const m of room.members) {
    if (m.party.role === role) {
      m.send(msg);
      n += 1;
    }
  }
  return n;
}

/** @param {{ historySize: number, maxRooms: number }} limits */
export function createRoomStore(limits) {
  /** @type {Map<string, Room>} */
  const rooms = new Map();
  /** @type {Map<string, { room: string, role: Role }>} */
  const peers = new Map();
  /** @type {Map<string, TokenBucket>} rate buckets by name (e.g. room creation per client address) */
  const buckets = new Map();

  return {
    rooms,
    get size() {
      return rooms.size;
    },

    /** @param {string} customerName @param {string} [queue] @returns {Room | null} null when the server is full */
    create(customerName, queue = 'default') {
      if (rooms.size >= limits.maxRooms) return null;
      const room = {
        id: randomId(12),
        customerName,
        queue,
        createdAt: Date.now(),
        idleSince: Date.now(),
        history: [],
        members: new Set(),
        invite: null,
        share: null,
        peers: [],
      };
      rooms.set(room.id, room);
      return room;
    },

    /** @param {string} id */
    get(id) {
      return rooms.get(id) ?? null;
    },

    /** @param {Room} room */
    delete(room) {
      for (const id of room.peers) peers.delete(id);
      rooms.delete(room.id);
    },

    /** A fresh PeerJS id for one chat connection; the oldest ids no one holds any more are retired. */
    issuePeer(/** @type {Room} */ room, /** @type {Role} */ role) {
      return issuePeerId(room, role, peers);
    },

    /** @param {string} id */
    peer(id) {
      return peers.get(id) ?? null;
    },

    /** Appends to the room's history (bounded) and sends to every member. */
    broadcast(/** @type {Room} */ room, /** @type {object} */ msg, /** @type {object | null} */ stored = msg) {
      if (stored) {
        room.history.push(stored);
        if (room.history.length > limits.historySize) room.history.shift();
      }
      for (const member of room.members) member.send(msg);
    },

    // The interface the chat code, the API and the PeerJS gate use; the Redis store (redis-rooms.mjs)
    // implements the same methods across processes. Here most of them are a Set operation or nothing.

    /** The room, wherever it lives (the Redis store may have to fetch it). @param {string} id */
    async load(id) {
      return rooms.get(id) ?? null;
    },
    /** Every room, for the agents' list. */
    async list() {
      return [...rooms.values()];
    },
    /** Persists a changed room (invite, share, peers): nothing to do in memory. @param {Room} _room */
    async save(_room) {},
    /** Keeps a room current on this process while a PeerJS socket of it is open: nothing in memory. */
    hold(/** @type {string} */ _id) {},
    release(/** @type {string} */ _id) {},
    /** @param {Room} room @param {Member} member */
    join(room, member) {
      room.members.add(member);
      room.idleSince = 0;
    },
    /** @param {Room} room @param {Member} member */
    leave(room, member) {
      room.members.delete(member);
      if (room.members.size === 0) room.idleSince = Date.now();
    },
    /** Everyone connected to the room's chat (on every process). @param {Room} room @returns {Party[]} */
    participants(room) {
      // by peer id: a replaced socket stays a member until its close is processed
      return [...new Map([...room.members].map((m) => [m.party.peer, m.party])).values()];
    },
    /**
     * Sends `make(party)` to the chat connection with peer id `to`; the parties it reached.
     * @param {Room} room @param {string} to @param {(party: Party) => object} make @returns {Party[]}
     */
    deliver: deliverHere,
    /** Sends `msg` to every connection of one role; how many. @param {Room} room @param {Role} role @param {object} msg */
    toRole: toRoleHere,
    async close() {},

    /**
     * Takes one token from the bucket `name` (burst, then `perSecond`); false when empty. Shared by
     * every process with Redis (redis-rooms.mjs), so N processes allow what one does.
     * @param {string} name @param {number} burst @param {number} perSecond @returns {Promise<boolean>}
     */
    async take(name, burst, perSecond) {
      let bucket = buckets.get(name);
      if (!bucket) {
        if (buckets.size > 10_000) buckets.clear(); // crude bound: forgetting buckets only ever lets through more
        bucket = new TokenBucket(burst, perSecond);
        buckets.set(name, bucket);
      }
      return bucket.take();
    },

    /** Deletes rooms nobody has been in for `idleMs`. */
    sweep(/** @type {number} */ idleMs) {
      const now = Date.now();
      for (const room of rooms.values()) {
        if (room.members.size === 0 && now - room.idleSince > idleMs) this.delete(room);
      }
    },
  };
}
