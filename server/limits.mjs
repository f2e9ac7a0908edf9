// @ts-check
// Per-socket limits shared by the chat and PeerJS sockets: a token bucket for rate, a strike count
// that closes abusive sockets, and "log once per socket per reason" so a flood cannot flood the log.

/** Defaults; every number can be overridden through startSignalingServer({ limits }). */
export const DEFAULT_LIMITS = {
  /** ws maxPayload: above this ws itself closes the socket (1009) without reading the frame. */
  maxFrameBytes: 256 * 1024,
  /** A chat `text` message's text, in UTF-8 bytes. */
  maxTextBytes: 4096,
  /** A chat `signal` message's data, and a PeerJS frame, in bytes. */
  maxSignalBytes: 64 * 1024,
  /** Any other chat frame (invite, accept, ...), in bytes. */
  maxControlBytes: 4096,
  /** Token bucket per socket: burst and sustained frames per second. */
  burst: 40,
  perSecond: 20,
  /** Refused frames (malformed, too large, rate-limited, forbidden) before the socket is closed. */
  maxStrikes: 50,
  /** Unsent bytes queued for one socket (a client that does not read): above this it is dropped. */
  maxBufferedBytes: 4 * 1024 * 1024,
  /** Chat sockets in one room at once (each join is sent to every member); more are refused (4503). */
  maxMembers: 32,
  /**
   * A pending co-browse request (`invite`) not answered by then ends with `{type:'end', reason:'expired'}`:
   * an open customer page accepts within a second, so a minute means the page is gone (a closed tab,
   * the chat on another device) and the agent should hear so instead of waiting for ever.
   */
  inviteTtlMs: 60_000,
  /** Chat messages kept per room and replayed on join. */
  historySize: 200,
  /** Rooms at once; room creation per client IP (burst, then one per `roomEveryMs`). */
  maxRooms: 10000,
  roomBurst: 10,
  roomEveryMs: 6000,
};

/** Close codes (4000–4999 are the application's). */
export const CLOSE = {
  unauthorized: 4401,
  abuse: 4408,
  rateLimited: 4429,
  roomFull: 4503,
  /** the same participant connected again (`/chat?resume=`): this older socket gives way */
  replaced: 4409,
};

/**
 * Sends unless the client has stopped reading: a socket with more than `maxBufferedBytes` still unsent
 * is terminated (a close frame would only queue behind the backlog), so one slow or hostile reader
 * cannot make the server buffer without bound. True when sent.
 * @param {import('ws').WebSocket} ws @param {string} data @param {{ maxBufferedBytes: number }} limits
 * @param {(line: string) => void} [log] @param {string} [label]
 */
export function sendBounded(ws, data, limits, log, label = 'socket') {
  if (ws.readyState !== 1 /* OPEN */) return false;
  if (ws.bufferedAmount > limits.maxBufferedBytes) {
    log?.(`${label}: dropped, ${ws.bufferedAmount} bytes unsent (client not reading)`);
    ws.terminate();
    return false;
  }
  ws.send(data);
  return true;
}

export class TokenBucket {
  /** @param {number} burst @param {number} perSecond */
  constructor(burst, perSecond) {
    this.burst = burst;
    this.perMs = perSecond / 1000;
    this.tokens = burst;
    this.at = Date.now();
  }

  /** Takes one token; false when empty. */
  take() {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * The bookkeeping of one socket's refusals.
 * @param {{ label: string, limits: typeof DEFAULT_LIMITS, log: (line: string) => void }} options
 */
export function createSocketGuard({ label, limits, log }) {
  const bucket = new TokenBucket(limits.burst, limits.perSecond);
  const logged = new Set();
  let strikes = 0;
  let limited = false;
  return {
    /** True when this frame may be handled. `limitedNow` says a rate-limit stretch just started. */
    admit() {
      if (bucket.take()) {
        limited = false;
        return { ok: true, limitedNow: false };
      }
      const limitedNow = !limited;
      limited = true;
      return { ok: false, limitedNow };
    },
    /** Counts a refusal, logs its reason once; true when the socket has used up its strikes. */
    strike(/** @type {string} */ code, /** @type {string} */ detail) {
      strikes += 1;
      if (!logged.has(code)) {
        logged.add(code);
        log(`${label}: refused (${code}) ${detail}`);
      }
      return strikes >= limits.maxStrikes;
    },
  };
}
