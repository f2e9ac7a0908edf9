// The demo: `npm start` (builds first), then open the printed URLs.
// node:http serving demo/ at / and the built bundles at /dist/, plus the reference signaling server
// (signaling/: chat rooms + PeerJS relay) on its own port. /config.json tells the pages where it is.
// PORT picks the demo's port (default 8080; if taken, the next free one), SIGNALING_PORT the
// signaling server's (default 9000, same rule). Importable: `startDemo({ port: 0, signalingPort: 0 })`.
import { createServer } from 'node:http';
import { startSignalingServer } from '../signaling/server.mjs';
import { turnOptionsFromEnv } from '../signaling/turn.mjs';
import { auditOptionsFromEnv } from '../signaling/store/index.mjs';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));
const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
const PORT_TRIES = 20;
const DEV_DATA_DIR = fileURLToPath(new URL('../.data/', import.meta.url));


const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Maps a URL path to a file under demo/ or dist/, or null if it would leave them. */
function resolvePath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  let root = DEMO_DIR;
  let rest = decoded;
  if (decoded === '/dist' || decoded.startsWith('/dist/')) {
    root = DIST_DIR;
    rest = decoded.slice('/dist'.length);
  }
  if (rest === '' || rest.endsWith('/')) rest += 'index.html';
  const full = resolve(root, '.' + normalize('/' + rest));
  const base = resolve(root);
  // never outside the root (normalize already folds '..', this is the belt to its braces)
  if (full !== base && !full.startsWith(base + sep)) return null;
  // server.mjs is not a page of the demo
  if (root === DEMO_DIR && full === join(base, 'server.mjs')) return null;
  return full;
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function createDemoServer(config) {
 return createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'Method not allowed\n');
  }
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === '/config.json') {
    res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' });
    // The agent key in a page is a development shortcut: a real agent console gets its tokens from
    // the company's own login, never a shared key (see signaling/PROTOCOL.md).
    return res.end(JSON.stringify(config));
  }
  const file = resolvePath(pathname);
  if (!file) return send(res, 404, 'Not found\n');
  let info;
  try {
    info = await stat(file);
  } catch {
    const hint = file.startsWith(DIST_DIR) ? ' (run `npm run build` first, or use `npm start`)' : '';
    return send(res, 404, `Not found${hint}\n`);
  }
  if (info.isDirectory()) {
    res.writeHead(301, { location: pathname.replace(/\/?$/, '/') });
    return res.end();
  }
  res.writeHead(200, {
    // *.sjis.html files are stored as Shift_JIS bytes and say so (the demo's Shift_JIS page)
    'content-type': file.endsWith('.sjis.html') ? 'text/html; charset=Shift_JIS' : TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    // the bundles change on every build: always fetch them fresh
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
 });
}

/** Listens on `port`, or the next free one (port 0: any). Resolves with the port. */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    let tries = PORT_TRIES;
    const attempt = (p) => {
      const onError = (err) => {
        if (err.code === 'EADDRINUSE' && p !== 0 && --tries > 0) return attempt(p + 1);
        reject(err);
      };
      server.once('error', onError);
      server.listen(p, host, () => {
        server.off('error', onError);
        resolve(server.address().port);
      });
    };
    attempt(port);
  });
}

/**
 * Starts the signaling server and the demo's page server.
 * `turn` (STUN/TURN servers, see signaling/turn.mjs) goes to the signaling server: the chat's welcome
 * then carries `iceServers`, which the demo pages use (`?relay=1` on a page: TURN relay only).
 * `audit` (see signaling/STORE.md): keep the chat transcripts and the audit log, encrypted, in a file.
 * @param {{ port?: number, signalingPort?: number, host?: string, log?: (line: string) => void, turn?: import('../signaling/turn.mjs').TurnOptions, audit?: import('../signaling/store/index.mjs').AuditOptions }} [options]
 */
export async function startDemo(options = {}) {
  const host = options.host ?? HOST;
  let signaling;
  for (let p = options.signalingPort ?? 9000, tries = PORT_TRIES; ; p++, tries--) {
    try {
      signaling = await startSignalingServer({ port: p, host, agentKey: process.env.AGENT_KEY, log: options.log, turn: options.turn, audit: options.audit });
      break;
    } catch (err) {
      if (err.code !== 'EADDRINUSE' || p === 0 || tries <= 1) throw err;
    }
  }
  const server = createDemoServer({ signaling: signaling.url, agentKey: signaling.agentKey });
  const port = await listen(server, options.port ?? 8080, host);
  const url = `http://${host}:${port}/`;
  return {
    url,
    signaling,
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
      await signaling.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hadKey = existsSync(join(DEV_DATA_DIR, 'signaling.key')); // (a port retry reopens the store: ask before)
  const demo = await startDemo({
    port: Number.parseInt(process.env.PORT ?? '', 10) || 8080,
    signalingPort: Number.parseInt(process.env.SIGNALING_PORT ?? '', 10) || 9000,
    turn: turnOptionsFromEnv(process.env), // TURN_URLS, TURN_SECRET, TURN_TTL as for signaling/server.mjs
    // SIGNALING_DB (+ SIGNALING_DATA_KEY or SIGNALING_KEY_FILE) as for signaling/server.mjs; else .data/
    // at the repository root, with a development key created there the first time
    audit: auditOptionsFromEnv(process.env) ?? { dataDir: DEV_DATA_DIR, createKey: true },
  }).catch((err) => {
    console.error(`Could not start the demo: ${err.message}`);
    process.exit(1);
  });
  console.log('');
  console.log('  cobrowse-rtc demo');
  console.log('');
  console.log(`  Customer (shop + chat):  ${demo.url}customer.html`);
  console.log(`  Agent console:           ${demo.url}agent.html`);
  console.log(`  Engine, one tab:         ${demo.url}`);
  console.log(`  Signaling server:        ${demo.signaling.url}`);
  const audit = demo.signaling.audit;
  if (audit && !hadKey && audit.keyFile && existsSync(audit.keyFile)) console.log(`  Created a development data key: ${audit.keyFile} (mode 0600; without it the log cannot be read)`);
  if (audit) console.log(`  Transcripts + audit log: ${audit.file} (encrypted; read: node signaling/admin.mjs audit --data-dir .data)`);
  console.log('');
  console.log('  Open the first two in two browser windows: chat, ask to see the page, allow. Ctrl-C to stop.');
  console.log('');
  let closing = false;
  const shutdown = () => {
    if (closing) process.exit(0); // a second Ctrl-C: don't wait
    closing = true;
    console.log('\nStopping the demo.');
    demo.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
