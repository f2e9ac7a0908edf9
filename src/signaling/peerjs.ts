/**
 * Signaling over a PeerJS server (the reference server's /peerjs, or any PeerJS server): a minimal
 * client of its WebSocket protocol, without the peerjs library. Each `Signal` travels whole as the
 * `payload` of an OFFER, ANSWER or CANDIDATE message; the server sets `src`.
 */
import { SignalingError, type Signal, type SignalingAdapter, type SignalingErrorCode } from './adapter.js';
import { OPEN, closeCodeError, openSocket, parseFrame, wsUrl, type SocketConstructor, type SocketLike } from './socket.js';
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
}

const WIRE: Record<Signal['type'], string> = { offer: 'OFFER', answer: 'ANSWER', candidate: 'CANDIDATE' };
const CODES: readonly SignalingErrorCode[] = ['closed', 'unreachable', 'unauthorized', 'refused', 'too-large', 'rate-limited', 'malformed'];

export function createPeerJsSignaling(options: PeerJsSignalingOptions): SignalingAdapter {
  const url = wsUrl(options.url, `${(options.path ?? '/peerjs').replace(/\/$/, '')}/peerjs`);
  url.searchParams.set('key', options.key ?? 'peerjs');
  url.searchParams.set('id', options.id);
  url.searchParams.set('token', options.token);

  let socket: SocketLike | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let opened = false;
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
      if (!opened || !socket || socket.readyState !== OPEN) throw new SignalingError('unreachable', 'not connected to the PeerJS server yet: await `ready`');
      socket.send(JSON.stringify({ type: WIRE[signal.type], dst: to, payload: signal }));
    },
    close(): void {
      if (userClosed) return;
      fail(new SignalingError('closed', 'closed before the server accepted the connection'));
      userClosed = true;
      stop();
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

  try {
    socket = openSocket(url.href, options.WebSocket as SocketConstructor | undefined);
  } catch (err) {
    fail(new SignalingError('unreachable', (err as Error).message));
    return adapter;
  }
  socket.onmessage = (event) => {
    const msg = parseFrame(event.data);
    if (!msg) return fail(new SignalingError('malformed', 'the server sent a frame that is not a JSON object'));
    const payload = (msg.payload && typeof msg.payload === 'object' ? msg.payload : {}) as Record<string, unknown>;
    switch (msg.type) {
      case 'OPEN':
        opened = true;
        heartbeat = setInterval(() => {
          if (socket?.readyState === OPEN) socket.send('{"type":"HEARTBEAT"}');
        }, options.heartbeatMs ?? 5000);
        settle?.resolve();
        settle = null;
        return;
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
      case 'ERROR':
        return fail(errorFromServer(payload));
      case 'ID-TAKEN':
        return fail(new SignalingError('unauthorized', `peer id ${options.id} is taken by another connection`));
      case 'EXPIRE':
        return fail(new SignalingError('unreachable', `${String(msg.src)} did not connect in time: the signal expired`));
      default:
        // LEAVE and future message types: nothing for us to do
        return;
    }
  };
  socket.onclose = (event) => {
    stop();
    if (userClosed) return;
    const code = closeCodeError(event.code, opened);
    fail(new SignalingError(code, `the PeerJS server closed the connection (${event.code}${event.reason ? ` ${event.reason}` : ''})`));
  };
  socket.onerror = () => {
    // a close event follows with the details
  };
  return adapter;
}

/** The reference server puts one of our codes in `payload.code`; a stock PeerJS server only has `msg`. */
function errorFromServer(payload: Record<string, unknown>): SignalingError {
  const msg = typeof payload.msg === 'string' ? payload.msg : 'the PeerJS server reported an error';
  const given = payload.code;
  if (typeof given === 'string') {
    if ((CODES as readonly string[]).includes(given)) return new SignalingError(given as SignalingErrorCode, msg);
    if (given === 'forbidden') return new SignalingError('refused', msg);
  }
  if (/invalid (key|token)|no id, token, or key/i.test(msg)) return new SignalingError('unauthorized', msg);
  if (/limit/i.test(msg)) return new SignalingError('unreachable', msg);
  return new SignalingError('refused', msg);
}
