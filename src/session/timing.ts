/**
 * The session's clocks, in one place: both sides dial again at the same pace and wait the same
 * default time for a lost connection (a sharer that kept a viewer's place longer than the viewer
 * keeps trying would wait for no one). Milliseconds throughout.
 */

/**
 * How often a side dials again while it waits for the other: a reconnecting viewer dials the
 * sharer's last address; a sharer's next page (after a navigation) dials the viewers it had.
 */
export const REDIAL_MS = 3000;

/** `reconnectTimeout`'s default: how long a lost connection may take to come back. */
export const DEFAULT_RECONNECT_TIMEOUT = 30_000;

/** `approvalTimeout`'s default: how long a viewer may wait for the customer's answer. */
export const DEFAULT_APPROVAL_TIMEOUT = 60_000;

/** `controlTimeout`'s default: how long a control request waits for the customer (issue 16: 30 s). */
export const DEFAULT_CONTROL_TIMEOUT = 30_000;

/** Handshake limit for a resumed channel, which is retried (a first connection gets handshakeTimeout). */
export const RESUME_HANDSHAKE_MS = 5000;

/**
 * The handshake limit of a resumption: the site's `handshakeTimeout` when shorter, else
 * RESUME_HANDSHAKE_MS — a resumption is retried, so a stuck attempt gives way soon (ICE included,
 * even over TURN).
 */
export function resumeHandshakeTimeout(handshakeTimeout: number | undefined): number {
  return Math.min(handshakeTimeout ?? RESUME_HANDSHAKE_MS, RESUME_HANDSHAKE_MS);
}

/** A refused viewer's channel stays open this long after its `bye`, so the reason reaches it. */
export const BYE_GRACE_MS = 2000;
