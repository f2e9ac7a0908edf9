// @ts-check
// Keeping things alive in Redis, for the Redis room store (redis-rooms.mjs): which server processes
// are alive (each beats into a sorted set; one silent for 3 beats is dead), and pushing forward the
// expiry of the keys a process uses, so that what nobody uses any more expires by itself.

/** @typedef {import('redis').RedisClientType} RedisClient */

export const BEAT_MS = 2000;
export const DEAD_AFTER_MS = 3 * BEAT_MS;

/**
 * The processes alive as this one knows them: renewed at each beat; a process heard from on a channel
 * counts as alive until the next beat says otherwise.
 * @param {{ pub: RedisClient, procsKey: string, proc: string }} options  `proc`: this process
 */
export function createPresence({ pub, procsKey, proc }) {
  let live = new Set([proc]);
  return {
    /** @param {string} p */
    has: (p) => live.has(p),
    /** @param {string} p */
    heard(p) {
      live.add(p);
    },
    /** Says this process is alive and learns who else is. @param {number} now */
    async beat(now) {
      await pub.zAdd(procsKey, { score: now, value: proc });
      live = new Set(await pub.zRangeByScore(procsKey, now - DEAD_AFTER_MS, '+inf'));
      live.add(proc);
    },
    /** Whether process `p` has sent a heartbeat lately (and so counts as alive from now on). @param {string} p */
    async beatsRecently(p) {
      const at = await pub.zScore(procsKey, p);
      if (at === null || Date.now() - at > DEAD_AFTER_MS) return false;
      live.add(p);
      return true;
    },
    /** Out of the set: the others count this process dead at their next beat. */
    async leave() {
      await pub.zRem(procsKey, proc).catch(() => {});
    },
  };
}

/** @typedef {ReturnType<typeof createPresence>} Presence */

/**
 * Key expiry: a key lives `ttlS` seconds from its last refresh; the keys of what is in use are pushed
 * forward a quarter of their lifetime at a time (not every beat), all of one beat in one round trip.
 * @param {{ pub: RedisClient, ttlS: number, roomIdleMs: number, log: (line: string) => void }} options
 */
export function createRefresher({ pub, ttlS, roomIdleMs, log }) {
  const refreshMs = Math.max(BEAT_MS, Math.min(roomIdleMs / 4, 60_000));
  return {
    /**
     * Whether keys last refreshed at `at` are due at this beat. Half a beat of slack: a beat that comes
     * a millisecond early must not put the refresh off by a whole beat (with a 4 s TTL and 2 s beats,
     * that let keys expire between two refreshes: a third of the rooms lost in a CI run).
     * @param {number} at @param {number} now
     */
    due: (at, now) => now - at + BEAT_MS / 2 >= refreshMs,
    /** One beat's refreshes: `push` each key, then `send` them together (a pipeline, not a transaction). */
    batch() {
      const refresh = pub.multi();
      let pushed = false;
      return {
        /** @param {string} key */
        push(key) {
          refresh.expire(key, ttlS);
          pushed = true;
        },
        async send() {
          if (pushed) await refresh.exec(true).catch((/** @type {Error} */ err) => log(`redis: refresh ${err.message}`));
        },
      };
    },
  };
}

/** @typedef {ReturnType<typeof createRefresher>} Refresher */
/** @typedef {ReturnType<Refresher['batch']>} RefreshBatch */
