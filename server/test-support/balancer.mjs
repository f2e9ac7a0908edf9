// A TCP load balancer for tests, as a contact center would put in front of N processes: each new
// connection goes to the next backend (round robin) that accepts it; a backend that refuses is skipped.
// When a backend dies, the connections through it close, and the clients' reconnections land on the
// others. No stickiness: WebSockets need none beyond the socket itself.
import { createServer, connect } from 'node:net';

/**
 * @param {{ port: number }[]} backends  processes on 127.0.0.1 (the list may change: `backends` is read live)
 * @param {{ route?: (head: string) => number | undefined }} [options]  `route`: the backend index to try
 *   first for a connection whose first bytes (an HTTP request line and headers) are `head`; a test pins
 *   participants to processes with it. A refused backend falls back to round robin.
 * @returns {Promise<{ url: string, port: number, close(): void, choices: number[] }>}
 *   `choices`: the backend port each accepted connection went to, in order
 */
export async function startBalancer(backends, { route } = {}) {
  let next = 0;
  /** @type {number[]} */
  const choices = [];
  /** @type {Set<import('node:net').Socket>} */
  const open = new Set();
  const server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (!route) {
      client.pause();
      return tryBackend(client, backends.length);
    }
    // the first bytes decide; they are written upstream before anything else
    client.once('data', (head) => {
      client.pause();
      tryBackend(client, backends.length + 1, route(head.toString('latin1')), head);
    });
  });

  /**
   * @param {import('node:net').Socket} client @param {number} left
   * @param {number | undefined} [pinned] @param {Buffer} [head]
   */
  function tryBackend(client, left, pinned, head) {
    if (left === 0) return client.destroy();
    const port = pinned !== undefined ? backends[pinned].port : backends[next++ % backends.length].port;
    const upstream = connect(port, '127.0.0.1');
    upstream.once('error', () => tryBackend(client, left - 1, undefined, head));
    upstream.once('connect', () => {
      choices.push(port);
      if (head) upstream.write(head);
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    });
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    choices,
    /** Stops listening and cuts every connection through it. */
    close() {
      server.close();
      for (const s of open) s.destroy();
    },
  };
}
