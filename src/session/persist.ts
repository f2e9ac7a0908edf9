/**
 * What the sharer keeps across its own page loads, so that following a link, submitting a form or
 * reloading continues the session without a new invitation or consent: the invitation secret and,
 * per viewer, its address, its code and the resumption secret of its channel.
 *
 * In `sessionStorage`: it belongs to this tab only, ends with it, and is never sent to any server
 * (a cookie would be). It is readable by the page's own scripts — which can read the page itself.
 */
import { decodeSecret, encodeSecret } from '../secure/index.js';

const KEY = 'cobrowse-rtc:sharing';

export interface StoredViewer {
  address: string;
  sas: string;
  resume: Uint8Array;
}

export interface StoredSharing {
  secret: Uint8Array;
  viewers: StoredViewer[];
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
    if (!state) return store.removeItem(KEY);
    store.setItem(
      KEY,
      JSON.stringify({
        v: 1,
        secret: encodeSecret(state.secret),
        viewers: state.viewers.map((v) => ({ address: v.address, sas: v.sas, resume: encodeSecret(v.resume) })),
      }),
    );
  } catch {
    // quota or storage errors: the session goes on, only a later page cannot resume it
  }
}

/** The stored state, or null when there is none or it does not parse (then it is removed). */
export function loadSharing(win: Window | null | undefined): StoredSharing | null {
  const store = storage(win);
  const text = store?.getItem(KEY);
  if (!store || !text) return null;
  try {
    const data = JSON.parse(text) as { v: number; secret: string; viewers: { address: string; sas: string; resume: string }[] };
    if (data.v !== 1 || !Array.isArray(data.viewers)) throw new Error('version');
    return {
      secret: decodeSecret(data.secret),
      viewers: data.viewers.map((v) => ({ address: String(v.address), sas: String(v.sas), resume: decodeSecret(v.resume) })),
    };
  } catch {
    store.removeItem(KEY);
    return null;
  }
}
