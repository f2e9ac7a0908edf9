// How fast chats come back when a signaling process dies: three processes on a private Redis behind a
// TCP load balancer (server/test-support/), N customer chats (the reference client, compiled), the
// process holding a third of them killed (SIGKILL), repeated. Prints, per kill: how long each lost
// chat took from the kill to `connected` again (p50 / p95 / max) and whether it kept its peer id.
//
//   node bench/failover.mjs [--chats 60] [--kills 5]
import { WebSocket } from 'ws';
import { performance } from 'node:perf_hooks';
import { createRoom } from '../server/test-support/helpers.mjs';
import { startProcess, startRedis } from '../server/test-support/redis.mjs';
import { startBalancer } from '../server/test-support/balancer.mjs';
import { importSignaling } from '../server/test-support/build.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CHATS = arg('chats', 60);
const KILLS = arg('kills', 5);
const SECRET = 'failover-bench-secret-failover-bench';

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const sig = await importSignaling();
  const redis = await startRedis();
  const backends = [];
  for (let i = 0; i < 3; i++) backends.push(await startProcess({ redisUrl: redis.url, secret: SECRET }));
  const lb = await startBalancer(backends);
  const chats = [];
  for (let i = 0; i < CHATS; i++) {
    // one client address makes every room here: reset the shared room-creation bucket (10, then 1 per 6 s)
    if (i % 10 === 0) redis.cli('eval', "for _, k in ipairs(redis.call('keys', 'cb:rate:*')) do redis.call('del', k) end", '0');
    const { token } = await createRoom(backends[i % 3], `Customer ${i}`);
    chats.push(await sig.connectReferenceChat({ url: lb.url, token, WebSocket }));
  }
  console.log(`${CHATS} chats on 3 processes behind a round-robin balancer; default backoff (0.5 s doubling to 15 s, jittered)`);
  console.log('kill | chats lost | back after: p50 / p95 / max ms | kept their peer id');
  for (let k = 0; k < KILLS; k++) {
    const victim = backends[k % 3];
    const t0 = performance.now();
    /** @type {Map<object, { id: string, back: Promise<number> }>} the chats that lost their socket */
    const lost = new Map();
    for (const chat of chats) {
      const id = chat.welcome.peer.id;
      chat.onstate = (s) => {
        if (s !== 'reconnecting' || lost.has(chat)) return;
        lost.set(chat, {
          id,
          back: new Promise((resolve) => (chat.onstate = (s2) => s2 === 'connected' && resolve(performance.now() - t0))),
        });
      };
    }
    await victim.kill();
    await new Promise((r) => setTimeout(r, 300)); // every socket of the dead process has closed by now
    const times = (await Promise.all([...lost.values()].map((l) => l.back))).sort((a, b) => a - b);
    const kept = [...lost].filter(([chat, l]) => chat.welcome.peer.id === l.id).length;
    console.log(
      `${k + 1} | ${lost.size} | ${pct(times, 50).toFixed(0)} / ${pct(times, 95).toFixed(0)} / ${times.at(-1).toFixed(0)} | ${kept}/${lost.size}`,
    );
    // the dead process comes back on its port (a restart), and the next kill takes another
    backends[backends.indexOf(victim)] = await startProcess({ redisUrl: redis.url, secret: SECRET, port: victim.port });
  }
  for (const chat of chats) chat.close();
  lb.close();
  await Promise.all(backends.map((b) => b.kill().catch(() => {})));
  redis.stop();
}

await main();
