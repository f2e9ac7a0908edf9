/**
 * Signaling over a PeerJS server (the reference server's /peerjs, or any PeerJS server): a minimal
 * client of its WebSocket protocol, without the peerjs library. Each `Signal` travels whole as the
 * `payload` of an OFFER, ANSWER or CANDIDATE message; the server sets `src`.
 */
import { SIGNALING_ERROR_CODES, SignalingError, type Signal, type SignalingAdapter, type SignalingErrorCode } from './adapter.js';
import {
  FINAL_CLOSE,
  OPEN,
  backoffDelay,
  retryTimer,
  closeCodeError,
  openSocket,
  parseFrame,
  wsUrl,
  type ReconnectOptions,
  type SocketConstructor,
  type SocketLike,
} from './socket.js';
import { asSignal } from './validate.js';

export interface PeerJsSignalingOptions {
  /** The server base, `http(s)://host:port`. */
  url: string;
  /** This party's peer id and its token: on the reference server, from the chat welcome. */
  id: string;
  token: string;
  /** The PeerJS key. Default `'peerjs'`. */
  key?: string;
  /** Where the PeerJS server is mounted. Default `'/peerjs'` (the reference server's). */
  path?: string;
  /** A WebSocket constructor (`ws` in Node). Default: the global one. */
  WebSocket?: SocketConstructor | typeof WebSocket;
  /** Heartbeat period, ms. Default 5000 (the server drops a socket silent for 90 s). */
  heartbeatMs?: number;
  /**
   * When the socket is lost after it opened (a server process went away), dial again with the same id
   * and token, with this backoff (default true). Signals sent meanwhile wait (at most 256). A refusal
   * (id no longer issued, token expired) ends it: `onerror` with `unauthorized`.
   */
  reconnect?: boolean | ReconnectOptions;
}

/** Signals kept while reconnecting: an offer and its candidates for a few viewers. */
const QUEUE_MAX = 256;

const WIRE: Record<Signal['type'], string> = { offer: 'OFFER', answer: 'ANSWER', candidate: 'CANDIDATE' };

export function createPeerJsSignaling(options: PeerJsSignalingOptions): SignalingAdapter {
  const url = wsUrl(options.url, `${(options.path ?? '/peerjs').replace(/\/$/, '')}/peerjs`);
  url.searchParams.set('key', options.key ?? 'peerjs');
  url.searchParams.set('id', options.id);
  url.searchParams.set('token', options.token);

  let socket: SocketLike | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let opened = false;
  /** Lost after it opened, dialling again: sends wait in `queued`. */
  let reconnecting = false;
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const queued: string[] = [];
  /** The code of an ERROR this socket got: its close says the same, and is not reported twice. */
  let refusedWith: SignalingErrorCode | null = null;
  let userClosed = false;
  let settle: { resolve: () => void; reject: (e: SignalingError) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // `ready` may be ignored by a caller that only listens to onerror: never an unhandled rejection
  ready.catch(() => {});

  const adapter: SignalingAdapter = {
    id: options.id,
    ready,
    onsignal: null,
    onerror: null,
    send(to: string, signal: Signal): void {
      if (userClosed) throw new SignalingError('closed', 'signaling is closed');
      const frame = JSON.stringify({ type: WIRE[signal.type], dst: to, payload: signal });
      // lost (or closing, its close event not yet here): kept for the next socket
      if (reconnecting || (opened && socket?.readyState !== OPEN && (options.reconnect ?? true) !== false)) {
        if (queued.length >= QUEUE_MAX)
          throw new SignalingError('unreachable', 'reconnecting to the PeerJS server, and too many signals are waiting');
        queued.push(frame);
        return;
      }
      if (!opened || !socket || socket.readyState !== OPEN)
        throw new SignalingError('unreachable', 'not connected to the PeerJS server yet: await `ready`');
      socket.send(frame);
    },
    close(): void {
      if (userClosed) return;
      fail(new SignalingError('closed', 'closed before the server accepted the connection'));
      userClosed = true;
      stop();
      clearTimeout(retry);
      socket?.close(1000);
    },
  };

  /** Before OPEN a failure rejects `ready` (once); after, it goes to onerror, until close(). */
  function fail(error: SignalingError): void {
    if (settle) {
      settle.reject(error);
      settle = null;
    } else if (opened && !userClosed) {
      adapter.onerror?.(error);
    }
  }

  function stop(): void {
    clearInterval(heartbeat);
    heartbeat = undefined;
  }

  function onOpen(): void {
    opened = true;
    reconnecting = false;
    attempts = 0;
    heartbeat = setInterval(() => {
      if (socket?.readyState === OPEN) socket.send('{"type":"HEARTBEAT"}');
    }, options.heartbeatMs ?? 5000);
    for (const frame of queued.splice(0)) socket?.send(frame);
    settle?.resolve();
    settle = null;
  }

  function onMessage(data: unknown): void {
    const msg = parseFrame(data);
    if (!msg) return fail(new SignalingError('malformed', 'the server sent a frame that is not a JSON object'));
    const payload = (msg.payload && typeof msg.payload === 'object' ? msg.payload : {}) as Record<string, unknown>;
    switch (msg.type) {
      case 'OPEN':
        return onOpen();
      case 'OFFER':
      case 'ANSWER':
      case 'CANDIDATE': {
        const signal = asSignal(msg.payload);
        if (typeof msg.src !== 'string' || !signal || WIRE[signal.type] !== msg.type) {
          return fail(new SignalingError('malformed', `a ${msg.type} without a valid signal`));
        }
        adapter.onsignal?.(msg.src, signal);
        return;
      }
      case 'ERROR': {
        const error = errorFromServer(payload);
        refusedWith = error.code;
        return fail(error);
      }
      case 'ID-TAKEN':
        return fail(new SignalingError('unauthorized', `peer id ${options.id} is taken by another connection`));
      case 'EXPIRE':
        return fail(new SignalingError('unreachable', `${String(msg.src)} did not connect in time: the signal expired`));
      default:
        // LEAVE and future message types: nothing for us to do
        return;
    }
  }

  /** Lost: for good before the first OPEN, after a refusal or with reconnection off; else dial again. */
  function onClose(code: number, reason: string): void {
    stop();
    if (userClosed) return;
    const again = options.reconnect ?? true;
    if (opened && again && !FINAL_CLOSE.has(code)) {
      reconnecting = true;
      retry = retryTimer(dial, backoffDelay(attempts++, again));
      return;
    }
    reconnecting = false;
    queued.length = 0;
    const error = new SignalingError(
      closeCodeError(code, opened),
      `the PeerJS server closed the connection (${code}${reason ? ` ${reason}` : ''})`,
    );
    if (error.code !== refusedWith) fail(error);
  }

  function dial(): void {
    refusedWith = null;
    try {
      socket = openSocket(url.href, options.WebSocket as SocketConstructor | undefined);
    } catch (err) {
      if (reconnecting) return onClose(1006, (err as Error).message);
      fail(new SignalingError('unreachable', (err as Error).message));
      return;
    }
    socket.onmessage = (event) => onMessage(event.data);
    socket.onclose = (event) => onClose(event.code, event.reason);
    socket.onerror = () => {
      // a close event follows with the details
    };
  }

  dial();
  return adapter;
}

/** The reference server puts one of our codes in `payload.code`; a stock PeerJS server only has `msg`. */
function errorFromServer(payload: Record<string, unknown>): SignalingError {
  const msg = typeof payload.msg === 'string' ? payload.msg : 'the PeerJS server reported an error';
  const given = payload.code;
  if (typeof given === 'string') {
    if ((SIGNALING_ERROR_CODES as readonly string[]).includes(given)) return new SignalingError(given as SignalingErrorCode, msg);
    if (given === 'forbidden') return new SignalingError('refused', msg);
  }
  if (/invalid (key|token)|no id, token, or key/i.test(msg)) return new SignalingError('unauthorized', msg);
  if (/limit/i.test(msg)) return new SignalingError('unreachable', msg);
  return new SignalingError('refused', msg);
}
