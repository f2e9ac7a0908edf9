// The demo's static server: `npm start` (builds first), then open the printed URL.
// No dependencies: node:http serving demo/ at / and the built bundles at /dist/.
// PORT picks the port (default 8080); if it is taken, the next free one is used.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));
const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
const FIRST_PORT = Number.parseInt(process.env.PORT ?? '', 10) || 8080;
const PORT_TRIES = 20;

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

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'Method not allowed\n');
  }
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
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
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
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

function listen(port, triesLeft) {
  const onError = (err) => {
    server.off('listening', onListening);
    if (err.code === 'EADDRINUSE' && triesLeft > 1) {
      console.log(`Port ${port} is busy, trying ${port + 1}…`);
      listen(port + 1, triesLeft - 1);
    } else {
      console.error(`Could not start the demo server: ${err.message}`);
      process.exit(1);
    }
  };
  const onListening = () => {
    server.off('error', onError);
    const url = `http://${HOST}:${port}/`;
    console.log('');
    console.log('  cobrowse-rtc demo');
    console.log('');
    console.log(`  Open ${url} — the customer's page on the left, the agent's live view on the right`);
    console.log('');
    console.log('  Type and click on the left; the right follows. Ctrl-C to stop.');
    console.log('');
  };
  server.once('error', onError);
  server.once('listening', onListening);
  server.listen(port, HOST);
}

let closing = false;
function shutdown() {
  if (closing) process.exit(0); // a second Ctrl-C: don't wait
  closing = true;
  console.log('\nStopping the demo server.');
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

listen(FIRST_PORT, PORT_TRIES);
