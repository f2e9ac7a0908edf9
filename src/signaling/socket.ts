/**
 * The few WebSocket members the adapters use, so Node tests can inject `ws` (whose class differs in
 * its event types from the DOM's) without `any`.
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A WebSocket constructor: the browser's, or `ws` in Node. */
export type SocketConstructor = new (url: string) => SocketLike;

export const OPEN = 1;

export function openSocket(url: string, ctor: SocketConstructor | undefined): SocketLike {
  const Ctor = ctor ?? (globalThis.WebSocket as unknown as SocketConstructor | undefined);
  if (!Ctor) throw new Error('no WebSocket here: pass the `WebSocket` option (e.g. the `ws` package in Node)');
  return new Ctor(url);
}

/** http(s)://host:port[/base] → ws(s)://host:port[/base]<path> */
export function wsUrl(base: string, path: string): URL {
  const url = new URL(base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  url.pathname = url.pathname.replace(/\/$/, '') + path;
  return url;
}

/** A text frame's JSON as a plain object, or null. */
export function parseFrame(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The reference server's close codes (server/PROTOCOL.md) as signaling error codes. */
export function closeCodeError(
  code: number,
  opened: boolean,
): 'unauthorized' | 'rate-limited' | 'refused' | 'too-large' | 'closed' | 'unreachable' {
  switch (code) {
    case 4401:
      return 'unauthorized';
    case 4429:
      return 'rate-limited';
    case 4408:
      return 'refused';
    case 1009:
      return 'too-large';
    default:
      return opened ? 'closed' : 'unreachable';
  }
}

/** Backoff between reconnection attempts: doubling from `minDelay` to `maxDelay` ms, with jitter. */
export interface ReconnectOptions {
  /** Default 500. */
  minDelay?: number;
  /** Default 15000. */
  maxDelay?: number;
}

/** Close codes of the reference server after which dialling again cannot help: token or id refused, abuse, replaced. */
export const FINAL_CLOSE: ReadonlySet<number> = new Set([4401, 4408, 4409, 4429]);

/**
 * The wait before reconnection attempt `attempt` (0, 1, …): doubling, capped, with jitter so that the
 * clients of a server process that died do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, options: boolean | ReconnectOptions | undefined): number {
  const { minDelay = 500, maxDelay = 15_000 } = typeof options === 'object' ? options : {};
  return Math.min(maxDelay, minDelay * 2 ** attempt) * (0.5 + Math.random() / 2);
}

/**
 * A timer for the next reconnection attempt. In Node it does not keep the process alive by itself
 * (`unref`): a script whose server is gone for good still exits; browsers have no such notion.
 */
export function retryTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
