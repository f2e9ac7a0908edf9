/**
 * What the sharer keeps across its own page loads, so that following a link, submitting a form or
 * reloading continues the session without a new invitation or approval: per approved viewer, its
 * address, name, code and the resumption secret of its channel — never the invitation secret (the
 * next page mints a new one: it has a new address, so an invitation for new viewers is new anyway) —
 * and, written only as the page goes away, which of them controlled it (src/control gives it back).
 *
 * In `sessionStorage`: it belongs to this tab only, ends with it, and is never sent to any server
 * (a cookie would be). It is readable by the page's own scripts — which can read the page itself —
 * so it is kept short: it expires `reconnectTimeout` after the last contact (the viewers give up by
 * then anyway), it is deleted on stop(), and each resumption replaces the secret (sharing.ts).
 */
import { decodeSecret, encodeSecret } from '../secure/index.js';

const KEY = 'cobrowse-rtc:sharing';
const VERSION = 2;

export interface StoredViewer {
  address: string;
  sas: string;
  name: string | null;
  resume: Uint8Array;
  /** The secret before the last resumption, while the viewer has not shown it adopted the new one. */
  previous: Uint8Array | null;
}

export interface StoredSharing {
  viewers: StoredViewer[];
  /** The viewer that controlled the page when it went away (src/control/lease.ts: given back on the next page). */
  control?: string | null;
  /** Milliseconds since the epoch after which the state is refused. */
  expires: number;
}

interface Json {
  v: number;
  expires: number;
  control?: string;
  viewers: { address: string; sas: string; name: string | null; resume: string; previous?: string }[];
}

function storage(win: Window | null | undefined): Storage | null {
  try {
    return win?.sessionStorage ?? null;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frames)
  }
}

export function saveSharing(win: Window | null | undefined, state: StoredSharing | null): void {
  const store = storage(win);
  if (!store) return;
  try {
    if (!state || state.viewers.length === 0) return store.removeItem(KEY);
    const json: Json = {
      v: VERSION,
      expires: state.expires,
      ...(state.control && { control: state.control }),
      viewers: state.viewers.map((v) => ({
        address: v.address,
        sas: v.sas,
        name: v.name,
        resume: encodeSecret(v.resume),
        ...(v.previous && { previous: encodeSecret(v.previous) }),
      })),
    };
    store.setItem(KEY, JSON.stringify(json));
  } catch {
    // quota or storage errors: the session goes on, only a later page cannot resume it
  }
}

/**
 * The stored state, or null when there is none, it expired (`now`: ms since the epoch) or it does
 * not parse (then it is removed).
 */
export function loadSharing(win: Window | null | undefined, now = Date.now()): StoredSharing | null {
  const store = storage(win);
  const text = store?.getItem(KEY);
  if (!store || !text) return null;
  try {
    const data = JSON.parse(text) as Json;
    if (data.v !== VERSION || !Array.isArray(data.viewers) || typeof data.expires !== 'number') throw new Error('version');
    if (!(now <= data.expires)) throw new Error('expired');
    return {
      expires: data.expires,
      control: typeof data.control === 'string' ? data.control : null,
      viewers: data.viewers.map((v) => ({
        address: String(v.address),
        sas: String(v.sas),
        name: typeof v.name === 'string' ? v.name : null,
        resume: decodeSecret(v.resume),
        previous: typeof v.previous === 'string' ? decodeSecret(v.previous) : null,
      })),
    };
  } catch {
    store.removeItem(KEY);
    return null;
  }
}
