// @ts-check
// `control` frames: the customer's page reports what happened to remote control (issue 16) so the room
// and the audit log know: a viewer asked, the customer granted or denied it, control ended (and why),
// or an action of the agent was refused on the page (and why). Only these facts: no field carries
// anything the agent typed or the page holds, and a frame with any other field is refused, so a
// value can never reach the log through this door.

export const CONTROL_EVENTS = new Set(['requested', 'granted', 'denied', 'ended', 'refused']);
const ACTIONS = new Set(['move', 'click', 'key', 'scroll', 'select']);
const REASON = /^[a-z][a-z-]{0,39}$/;
const FIELDS = new Set(['type', 'event', 'viewer', 'reason', 'action']);

/**
 * Checks a `control` frame's shape; throws an Error saying what is wrong.
 * @param {Record<string, unknown>} msg
 * @returns {{ event: string, viewer: string, reason?: string, action?: string }}
 */
export function parseControlEvent(msg) {
  for (const key of Object.keys(msg)) if (!FIELDS.has(key)) throw new Error(`control: unknown field \`${key.slice(0, 32)}\``);
  const { event, viewer, reason, action } = msg;
  if (typeof event !== 'string' || !CONTROL_EVENTS.has(event))
    throw new Error(`control: \`event\` must be one of ${[...CONTROL_EVENTS].join(', ')}`);
  if (typeof viewer !== 'string' || viewer.length === 0 || viewer.length > 64) throw new Error('control: `viewer` must be a peer id');
  if (reason !== undefined && (typeof reason !== 'string' || !REASON.test(reason)))
    throw new Error('control: `reason` must be a short lower-case code (e.g. `private`)');
  if (action !== undefined && (typeof action !== 'string' || !ACTIONS.has(action)))
    throw new Error(`control: \`action\` must be one of ${[...ACTIONS].join(', ')}`);
  if (action !== undefined && event !== 'refused') throw new Error('control: `action` only with `refused`');
  return { event, viewer, ...(reason !== undefined && { reason }), ...(action !== undefined && { action }) };
}

/**
 * Handles one `control` frame of a chat connection: only the customer's page, during a share, about
 * an agent of this room. Relayed to the room (each side's chat can say it) and audited.
 * @param {Record<string, unknown>} msg
 * @param {object} ctx
 * @param {import('./rooms.mjs').Party} ctx.party  the sender, as the server knows it
 * @param {import('./rooms.mjs').Room} ctx.room
 * @param {import('./rooms.mjs').RoomStore} ctx.store
 * @param {import('./store/audit-store.mjs').AuditStore | null | undefined} ctx.audit
 * @param {(msg: object) => { at: number }} ctx.stamp  adds `from`, `at` and `id`
 * @param {(code: string, message: string) => never} ctx.refuse  throws the refusal the socket answers with
 */
export function controlEvent(msg, { party, room, store, audit, stamp, refuse }) {
  if (party.role !== 'customer') refuse('forbidden', "control: only the customer's page decides about control");
  if (!room.share) return refuse('conflict', 'control: no active co-browse session');
  let event;
  try {
    event = parseControlEvent(msg);
  } catch (err) {
    return refuse('malformed', /** @type {Error} */ (err).message);
  }
  const viewer = store.peer(event.viewer);
  if (!viewer || viewer.room !== room.id || viewer.role !== 'agent')
    refuse('forbidden', `control: ${event.viewer.slice(0, 32)} is not an agent of this room`);
  const out = stamp({ type: 'control', ...event });
  store.broadcast(room, out);
  audit?.record(room.id, 'cobrowse.control', { by: party, session: Number(room.share.id), ...event }, out.at);
}
