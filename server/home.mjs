// @ts-check
// What the server's root answers: someone who opens the address the demo prints (or a load balancer's
// health check) learns what this is and whether it is up, instead of a bare 404. Nothing about rooms
// or people: only what the process is and what it runs on.
import { readFileSync } from 'node:fs';

const { name, version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/**
 * `GET /` (HTML for a person, JSON for `Accept: application/json`) and `GET /healthz` (JSON).
 * @param {import('express').Express} app
 * @param {{ store: 'memory' | 'redis', audit: boolean, turn: boolean }} facts
 */
export function mountHome(app, facts) {
  const started = Date.now();
  const health = () => ({ name, version, status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000), ...facts });
  app.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json(health());
  });
  app.get('/', (req, res) => {
    res.set('cache-control', 'no-store');
    if (req.accepts(['html', 'json']) === 'json') return res.json(health());
    const h = health();
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title></head>
<body style="font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:40rem">
<h1 style="font-size:1.3rem">${name} ${version}: running</h1>
<p>The cobrowse-rtc signaling server: chat rooms (<code>/chat</code>, a WebSocket) and the WebRTC set-up relay
(<code>/peerjs</code>). Pages never pass through it: co-browsing goes peer to peer, end-to-end encrypted.</p>
<ul><li>status: ${h.status}, up ${h.uptimeSeconds} s</li><li>rooms kept in: ${h.store}</li>
<li>audit log: ${h.audit ? 'on' : 'off'}</li><li>TURN credentials: ${h.turn ? 'issued' : 'not configured'}</li></ul>
<p>Health, as JSON: <a href="/healthz">/healthz</a>. Protocol: server/PROTOCOL.md in the repository.</p>
</body></html>`);
  });
}
