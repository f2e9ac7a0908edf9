// Test helpers: an in-process server and WebSocket clients with an awaitable inbox.
import { WebSocket } from 'ws';
import { startSignalingServer } from '../server.mjs';

/** A server on a free port; its log lines are kept in `logs` instead of printed. */
export async function startServer(options = {}) {
  const logs = [];
  const server = await startSignalingServer({
    agentKey: 'test-agent-key',
    log: (l) => logs.push(l),
    ...options,
    limits: { roomBurst: 1000, ...options.limits }, // tests make many rooms from one address
  });
  return Object.assign(server, { logs, ws: server.url.replace(/^http/, 'ws') });
}

export async function createRoom(server, name) {
  const res = await fetch(`${server.url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name === undefined ? {} : { name }),
  });
  if (res.status !== 201) throw new Error(`create room: ${res.status}`);
  return res.json();
}

/** A ws client that records every JSON message; `next(pred)` waits for the first unread one matching. */
export function client(url) {
  const ws = new WebSocket(url);
  const inbox = [];
  const waiters = [];
  let closed;
  const closedP = new Promise((resolve) => {
    ws.on('close', (code, reason) => resolve((closed = { code, reason: reason.toString() })));
  });
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    inbox.push(msg);
    for (const w of [...waiters]) w();
  });
  const opened = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    inbox,
    opened,
    closed: closedP,
    get isClosed() {
      return closed !== undefined;
    },
    send: (obj) => ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)),
    /** Resolves with (and consumes) the first message matching `pred` (a type string or a function). */
    next(pred = () => true, timeout = 2000) {
      const match = typeof pred === 'string' ? (m) => m.type === pred : pred;
      return new Promise((resolve, reject) => {
        const check = () => {
          const i = inbox.findIndex(match);
          if (i < 0) return false;
          const [m] = inbox.splice(i, 1);
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for a message; inbox: ${JSON.stringify(inbox).slice(0, 500)}`));
        }, timeout);
        waiters.push(check);
        check();
      });
    },
    /** True if no message matching `pred` arrives within `ms`. */
    async none(pred, ms = 150) {
      try {
        await this.next(pred, ms);
        return false;
      } catch {
        return true;
      }
    },
    close: () => ws.close(),
  };
}

/** A chat client, resolved once its welcome arrived. */
export async function chat(server, token) {
  const c = client(`${server.ws}/chat?token=${encodeURIComponent(token)}`);
  c.welcome = await c.next('welcome');
  return c;
}

/** A PeerJS client with the chat welcome's id and token, resolved on OPEN. */
export async function peerjs(server, welcome, { key = server.peerKey, id = welcome.peer.id, token = welcome.peer.token } = {}) {
  const c = client(
    `${server.ws}/peerjs/peerjs?key=${encodeURIComponent(key)}&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}`,
  );
  c.first = await c.next();
  return c;
}

/** A room with a customer and an agent in its chat. */
export async function roomWithBoth(server, customerName = 'Carol', agentName = 'Alice') {
  const { room, token } = await createRoom(server, customerName);
  const customer = await chat(server, token);
  const agent = await chat(server, server.agentToken(room, agentName));
  await customer.next((m) => m.type === 'join' && m.from.role === 'agent');
  return { room, customer, agent };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
