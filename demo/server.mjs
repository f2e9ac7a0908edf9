// The demo: `npm start` (builds first), then open the printed URLs.
// Three origins, as a real deployment has them:
//   - the shop (customer side): demo/ and the built bundles at /dist/; /config.json says where the
//     signaling server is, nothing else (no agent credential ever reaches a customer's browser);
//   - the agent console, on its OWN origin (another port): agent.html, its scripts, /dist/, and
//     /session.json, which signs the agent in. The mirror refuses to load anything from the console's
//     own origin, so the shop's origin must differ from it;
//   - the reference signaling server (server/: chat rooms + PeerJS relay).
// PORT picks the shop's port (default 8080; if taken, the next free one), AGENT_PORT the console's
// (default the next free one after the shop's), SIGNALING_PORT the signaling server's (default 9000).
// Importable: `startDemo({ port: 0, agentPort: 0, signalingPort: 0 })`.
//
// /session.json is a stand-in for your identity provider: it signs an agent JWT (HS256, a secret
// made for this run) for anyone who can open the console's origin. DEVELOPMENT ONLY.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { startSignalingServer, devKeyWarning } from '../server/server.mjs';
import { turnOptionsFromEnv } from '../server/turn.mjs';
import { auditOptionsFromEnv } from '../server/store/index.mjs';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));
const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
const PORT_TRIES = 20;
const DEV_DATA_DIR = fileURLToPath(new URL('../.data/', import.meta.url));
/** What the agent console's origin serves from demo/ (besides /dist/ and /session.json). */
const AGENT_FILES = new Set(['/agent.html', '/agent.js', '/agent.css', '/demo.css', '/ice.js', '/clock.js']);
/** Files both origins serve (shared by the console and the shop's pages). */
const SHARED_FILES = new Set(['/demo.css', '/ice.js', '/clock.js']);
export const JWT_ISSUER = 'cobrowse-demo-idp';
export const JWT_AUDIENCE = 'cobrowse-signaling';
const AGENT_NAME = 'Alice (agent)';
const JWT_TTL_S = 3600;

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

/**
 * One origin of the demo. `routes` answers paths of its own (JSON endpoints, redirects) before files;
 * `allow(pathname)` says which demo/ files this origin serves.
 * @param {{ routes: Record<string, (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) => unknown>, allow: (pathname: string) => boolean }} site
 */
function createDemoServer({ routes, allow }) {
  return createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'Method not allowed\n');
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (Object.hasOwn(routes, pathname)) return routes[pathname](res, req);
    const file = allow(pathname) ? resolvePath(pathname) : null;
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
      'content-type': file.endsWith('.sjis.html')
        ? 'text/html; charset=Shift_JIS'
        : (TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'),
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

function sendJson(res, value) {
  res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(value));
}

function redirect(res, location) {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

const isDist = (pathname) => pathname === '/dist' || pathname.startsWith('/dist/');

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
 * Starts the signaling server, the shop's origin and the agent console's origin.
 * `turn` (STUN/TURN servers, see server/turn.mjs) goes to the signaling server: the participants
 * of an accepted share get `iceServers`, which the demo pages use (`?relay=1` on a page: TURN relay only).
 * `audit` (see server/STORE.md): keep the chat transcripts and the audit log, encrypted, in a file.
 * `agentKey`: also accept this shared development key (default: none; agents sign in with a JWT).
 * `signalingUrl` + `jwtSecret`: use signaling servers already running there (N processes on Redis
 * behind a load balancer, say) instead of starting one; they verify agent JWTs with `jwtSecret`
 * (AGENT_JWT_SECRET), JWT_ISSUER and JWT_AUDIENCE.
 * @param {{ port?: number, agentPort?: number, signalingPort?: number, host?: string, log?: (line: string) => void, turn?: import('../server/turn.mjs').TurnOptions, audit?: import('../server/store/index.mjs').AuditOptions, agentKey?: string, signalingUrl?: string, jwtSecret?: string }} [options]
 */
export async function startDemo(options = {}) {
  const host = options.host ?? HOST;
  // the identity provider's signing secret: made per run, known to this process only
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('base64url');
  const agentJwt = { secret: jwtSecret, issuer: JWT_ISSUER, audience: JWT_AUDIENCE };
  let signaling = options.signalingUrl ? { url: options.signalingUrl, close: async () => {} } : null;
  for (let p = options.signalingPort ?? 9000, tries = PORT_TRIES; !signaling; p++, tries--) {
    try {
      signaling = await startSignalingServer({
        port: p,
        host,
        agentJwt,
        agentKey: options.agentKey,
        log: options.log,
        turn: options.turn,
        audit: options.audit,
        limits: options.limits,
      });
      break;
    } catch (err) {
      if (err.code !== 'EADDRINUSE' || p === 0 || tries <= 1) throw err;
    }
  }
  let agentUrl = '';
  const shop = createDemoServer({
    routes: {
      // the customer's pages learn where the chat is; no credential of any agent is here
      '/config.json': (res) => sendJson(res, { signaling: signaling.url }),
      // the console moved to its own origin; the query (`?relay=1`) goes along
      '/agent.html': (res, req) => redirect(res, `${agentUrl}agent.html${new URL(req.url ?? '/', 'http://x').search}`),
    },
    allow: (pathname) => !AGENT_FILES.has(pathname) || SHARED_FILES.has(pathname),
  });
  const port = await listen(shop, options.port ?? 8080, host);
  const url = `http://${host}:${port}/`;
  const consoleServer = createDemoServer({
    routes: {
      '/': (res) => redirect(res, '/agent.html'),
      '/config.json': (res) => sendJson(res, { signaling: signaling.url }),
      // the stand-in identity provider: a short-lived agent JWT, signed on the server side
      '/session.json': async (res) => sendJson(res, await agentSession(jwtSecret)),
    },
    allow: (pathname) => AGENT_FILES.has(pathname) || isDist(pathname),
  });
  const agentPort = await listen(consoleServer, options.agentPort ?? (options.port === 0 ? 0 : port + 1), host);
  agentUrl = `http://${host}:${agentPort}/`;
  return {
    url,
    /** The agent console's origin (not the shop's). */
    agentUrl,
    signaling,
    async close() {
      for (const s of [shop, consoleServer]) s.closeAllConnections?.();
      await Promise.all([shop, consoleServer].map((s) => new Promise((resolve) => s.close(() => resolve()))));
      await signaling.close();
    },
  };
}

/** A port number from the environment (0: any free port), or undefined when unset or not a number. */
function envPort(name) {
  const n = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** What the console's /session.json returns: a fresh agent JWT as your identity provider would sign it. */
async function agentSession(secret) {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ name: AGENT_NAME, cobrowse_queues: ['*'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('demo-agent-alice')
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + JWT_TTL_S)
    .sign(new TextEncoder().encode(secret));
  return { token, name: AGENT_NAME, expiresAt: (now + JWT_TTL_S) * 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hadKey = existsSync(join(DEV_DATA_DIR, 'signaling.key')); // (a port retry reopens the store: ask before)
  const demo = await startDemo({
    port: envPort('PORT') ?? 8080,
    agentPort: envPort('AGENT_PORT'),
    signalingPort: envPort('SIGNALING_PORT') ?? 9000,
    agentKey: process.env.AGENT_KEY || undefined, // development only: a shared key for scripts and curl
    turn: turnOptionsFromEnv(process.env), // TURN_URLS, TURN_SECRET, TURN_TTL as for server/bin.mjs
    // SIGNALING_DB (+ SIGNALING_DATA_KEY or SIGNALING_KEY_FILE) as for server/bin.mjs; else .data/
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
  console.log(`  Agent console:           ${demo.agentUrl}agent.html   (its own origin)`);
  console.log(`  Engine, one tab:         ${demo.url}`);
  console.log(`  Signaling server:        ${demo.signaling.url}`);
  console.log('');
  console.log('  !! DEVELOPMENT ONLY: the agent console signs in through a STAND-IN identity provider:');
  console.log(`  !! ${demo.agentUrl}session.json signs an agent JWT for anyone who can open that origin.`);
  console.log('  !! In production agents get their JWT from your identity provider (server/PROTOCOL.md, "Agents").');
  if (process.env.AGENT_KEY) console.log(devKeyWarning(process.env.AGENT_KEY, false).replace(/^/gm, '  '));
  const audit = demo.signaling.audit;
  if (audit && !hadKey && audit.keyFile && existsSync(audit.keyFile))
    console.log(`  Created a development data key: ${audit.keyFile} (mode 0600; without it the log cannot be read)`);
  if (audit) console.log(`  Transcripts + audit log: ${audit.file} (encrypted; read: node server/admin.mjs audit --data-dir .data)`);
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
