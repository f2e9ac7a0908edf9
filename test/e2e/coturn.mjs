// Debian's coturn (`turnserver`) for the end-to-end tests: on 127.0.0.1, a free port, a temp folder,
// the REST-API shared secret (`--use-auth-secret`), no config file (verified with coturn 4.6.1).
// `--allow-loopback-peers` is what lets it relay on 127.0.0.1 (else 403 Forbidden IP): for these tests
// only, never in production (server/PROTOCOL.md, "Harden coturn").
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The turnserver binary, or an Error saying how to get it (the tests fail with it: CI installs coturn). */
export function findTurnserver() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = join(dir, 'turnserver');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not at this path: try the next one */
    }
  }
  throw new Error(
    'turnserver (coturn) is not installed: the TURN end-to-end tests need it. Install it with `sudo apt-get install -y coturn` (.ci/run does).',
  );
}

/** A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both). */
async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port: p } = /** @type {import('node:net').AddressInfo} */ (s.address());
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

const canConnect = (port) =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * Starts turnserver; resolves when it accepts connections.
 * @param {{ secret: string, realm?: string, port?: number, extraArgs?: string[] }} options `port`: that
 *   one (to start a coturn again where one was), else a free one; `extraArgs`: more flags (hardening)
 * @returns {Promise<{ port: number, url: string, log: () => string, close(): Promise<void> }>}
 */
export async function startCoturn({ secret, realm = 'cobrowse.test', port: wanted, extraArgs = [] }) {
  const bin = findTurnserver();
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'coturn-'));
    const port = wanted ?? (await freePort());
    // prettier-ignore
    const args = [
      '-n', '--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1',
      '--min-port=49152', '--max-port=65535', '--use-auth-secret', `--static-auth-secret=${secret}`,
      `--realm=${realm}`, '--fingerprint', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
      '--log-file=stdout', '--simple-log', `--userdb=${join(dir, 'turndb.sqlite')}`, `--pidfile=${join(dir, 'turn.pid')}`,
      ...extraArgs,
    ];
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let exited = null;
    const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await canConnect(port))) await new Promise((r) => setTimeout(r, 50));
    const close = async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (!exited && (await canConnect(port))) {
      return { port, url: `turn:127.0.0.1:${port}?transport=udp`, log: () => out, close };
    }
    await close();
    // the port was taken between the probe and the bind: try another one
    if (attempt >= 3 || wanted) throw new Error(`turnserver did not start (exit ${JSON.stringify(exited)}):\n${out.slice(-2000)}`);
  }
}
