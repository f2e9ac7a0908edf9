// Test helpers for N processes on Redis: a private redis-server on a free port (never the system's),
// and `node server/bin.mjs` children on it, stopped (or killed) by pid.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../bin.mjs', import.meta.url));

/** A free TCP port on 127.0.0.1 (closed again at once: there is a small window for a collision). */
export async function freePort() {
  const srv = createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
  await new Promise((resolve) => srv.close(() => resolve(undefined)));
  return port;
}

/** Starts `redis-server` without persistence; `stop()` kills it by its pid. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'cb-redis-'));
  const pidfile = join(dir, 'redis.pid');
  const port = await freePort();
  execFileSync('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
    '--pidfile',
    pidfile,
    '--dir',
    dir,
  ]);
  for (let i = 0; ; i++) {
    try {
      if (
        execFileSync('redis-cli', ['-p', String(port), 'ping'])
          .toString()
          .trim() === 'PONG'
      )
        break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error(`redis-server on ${port} did not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
  let pid = 0;
  for (let i = 0; !pid && i < 100; i++) {
    try {
      pid = Number(readFileSync(pidfile, 'utf8').trim());
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    /** Redis memory and keys, for the record. */
    cli: (/** @type {string[]} */ ...args) =>
      execFileSync('redis-cli', ['-p', String(port), ...args])
        .toString()
        .trim(),
    stop() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `node server/bin.mjs` as a child process on `redisUrl`; resolves once it listens.
 * @param {{ redisUrl: string, secret: string, agentKey?: string, port?: number, env?: Record<string, string> }} options  `env`: more of the server's environment (AGENT_JWT_SECRET, …)
 */
export async function startProcess({ redisUrl, secret, agentKey = 'test-agent-key', port, env = {} }) {
  port ??= await freePort();
  const child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      SIGNALING_SECRET: secret,
      AGENT_KEY: agentKey,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('signaling server on')) resolve(undefined);
    });
    exited.then(() => reject(new Error(`server exited before listening:\n${out}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    ws: url.replace(/^http/, 'ws'),
    port,
    pid: /** @type {number} */ (child.pid),
    peerKey: 'peerjs',
    agentKey,
    exited,
    get output() {
      return out;
    },
    /** An agent chat token through this process's API (the development key). */
    async agentToken(/** @type {string} */ room, name = 'Agent') {
      const res = await fetch(`${url}/api/rooms/${room}/agent-token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agentKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (res.status !== 200) throw new Error(`agent token: ${res.status} ${await res.text()}`);
      return /** @type {{ token: string }} */ (await res.json()).token;
    },
    /** SIGKILL: a crash, nothing cleaned up. */
    async kill() {
      process.kill(/** @type {number} */ (child.pid), 'SIGKILL');
      await exited;
    },
    /** SIGTERM: a deploy. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(/** @type {number} */ (child.pid), 'SIGTERM');
      await exited;
    },
  };
}
