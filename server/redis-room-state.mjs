// @ts-check
// A room as the Redis room store keeps it: the entry of a process's cache (the room with who is
// connected on other processes), and the stored form in `cb:room:<id>` (no members, no history; sets
// as arrays, issued peer ids with their roles).

/** @typedef {import('./rooms.mjs').Room} Room */
/** @typedef {import('./rooms.mjs').Party} Party */
/** @typedef {import('./tokens.mjs').Role} Role */

/**
 * A room in a process's cache.
 * @typedef {Room & {
 *   remote: Map<string, { party: Party, proc: string }>,
 *   v: number,
 *   holds: number,
 *   touched: number,
 *   refreshed?: number,
 * }} CachedRoom
 *   `remote`: members connected to other processes, by peer id (`proc` '' when only listed, not served
 *   here); `v`: the state's version (a state older than the cached one is ignored); `holds`: PeerJS
 *   sockets keeping it current; `touched`: last loaded; `refreshed`: when its keys' expiry was pushed
 */
/**
 * @typedef {object} StoredRoom
 * @property {string} id
 * @property {string} customerName
 * @property {string} queue
 * @property {number} createdAt
 * @property {Room['invite']} invite
 * @property {(Omit<import('./rooms.mjs').Share, 'sharers' | 'viewers'> & { sharers: string[], viewers: string[] }) | null} share
 * @property {[string, Role][]} peers
 * @property {number} v
 */
/** @typedef {Map<string, { room: string, role: Role }>} PeerIndex  issued peer id → its room and role */

/** The stored form of a room's state. @param {CachedRoom} room @param {PeerIndex} peers @returns {StoredRoom} */
export function toStored(room, peers) {
  return {
    id: room.id,
    customerName: room.customerName,
    queue: room.queue,
    createdAt: room.createdAt,
    invite: room.invite,
    share: room.share && { ...room.share, sharers: [...room.share.sharers], viewers: [...room.share.viewers] },
    peers: room.peers.map((id) => [id, peers.get(id)?.role ?? 'customer']),
    v: room.v,
  };
}

/**
 * Applies a stored state to a cached room (`into`), or makes a new cache entry of it; records its
 * peer ids in `peers`.
 * @param {StoredRoom} state @param {CachedRoom | undefined} into @param {PeerIndex} peers
 * @returns {CachedRoom}
 */
export function fromStored(state, into, peers) {
  const share = state.share && { ...state.share, sharers: new Set(state.share.sharers), viewers: new Set(state.share.viewers) };
  const fields = {
    id: state.id,
    customerName: state.customerName,
    queue: state.queue,
    createdAt: state.createdAt,
    invite: state.invite,
    share,
    peers: state.peers.map(([id]) => id),
    v: state.v,
  };
  const room = into
    ? Object.assign(into, fields)
    : { ...fields, members: new Set(), remote: new Map(), history: [], holds: 0, idleSince: 0, touched: Date.now() };
  for (const [id, role] of state.peers) peers.set(id, { room: state.id, role });
  return room;
}
