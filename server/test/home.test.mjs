// The server's root says what it is and that it is up (issue 17: the address the demo prints answered
// 404), for a person (HTML) and for a health check (JSON); it tells nothing about rooms or people.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createRoom } from '../test-support/helpers.mjs';

test('GET / (HTML and JSON) and GET /healthz', async () => {
  const server = await startServer();
  try {
    await createRoom(server, 'Carol'); // a room exists: nothing of it may show
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    const html = await page.text();
    assert.match(html, /@cobrowse-rtc\/server \d+\.\d+\.\d+: running/);
    assert.match(html, /rooms kept in: memory/);
    assert.ok(!html.includes('Carol'), 'no room or person on the page');
    const json = await (await fetch(`${server.url}/`, { headers: { accept: 'application/json' } })).json();
    assert.equal(json.status, 'ok');
    assert.equal(json.name, '@cobrowse-rtc/server');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('cache-control'), 'no-store');
    const h = await health.json();
    assert.deepEqual(Object.keys(h).sort(), ['audit', 'name', 'status', 'store', 'turn', 'uptimeSeconds', 'version']);
    assert.equal(h.store, 'memory');
  } finally {
    await server.close();
  }
});
