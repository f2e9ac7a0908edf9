/**
 * The reference chat's socket, kept open: opened with the server's welcome awaited, and after a loss
 * (a server process went away, the network dropped) dialled again with backoff under the previous
 * connection's peer token, so the server keeps this participant's peer id (server/PROTOCOL.md,
 * "Reconnecting"). A refusal (the token expired, the room is gone, an abuser closed) ends it for good.
 */
import { SignalingError } from './adapter.js';
import { ReferenceChatError, type ChatState, type ChatWelcome, type ReferenceChatOptions } from './reference-chat-api.js';
import {
  FINAL_CLOSE,
  OPEN,
  backoffDelay,
  retryTimer,
  closeCodeError,
  openSocket,
  parseFrame,
  wsUrl,
  type SocketConstructor,
  type SocketLike,
} from './socket.js';

/** `timeout`'s default: milliseconds to wait for the welcome. */
const WELCOME_TIMEOUT = 10_000;

export interface LinkHooks {
  /** Each message of the current socket: a JSON object, or null for anything else. */
  message(msg: Record<string, unknown> | null): void;
  /**
   * A new socket after a loss, with its welcome, called before the state is `connected` again (so
   * whoever the state change reaches finds the room as the server has it now). Returns what to do
   * once it is: deliver the room events missed meanwhile.
   */
  reconnected(welcome: ChatWelcome, before: ChatWelcome): () => void;
  state(state: ChatState): void;
  /** The chat closed for good (not called for a connection that is being re-established). */
  closed(code: number, reason: string): void;
}

/**
 * Opens a chat socket and waits for its welcome; rejects with a `SignalingError`. `resume`: the peer
 * token of the previous connection, so the server keeps this participant's peer id.
 */
export function openChat(options: ReferenceChatOptions, resume: string | null): Promise<{ socket: SocketLike; welcome: ChatWelcome }> {
  const url = wsUrl(options.url, '/chat');
  url.searchParams.set('token', options.token);
  if (resume) url.searchParams.set('resume', resume);
  return new Promise((resolve, reject) => {
    let socket: SocketLike;
    try {
      socket = openSocket(url.href, options.WebSocket as SocketConstructor | undefined);
    } catch (err) {
      reject(new SignalingError('unreachable', (err as Error).message));
      return;
    }
    const timer = setTimeout(() => {
      socket.close();
      reject(new SignalingError('unreachable', 'no welcome from the chat server in time'));
    }, options.timeout ?? WELCOME_TIMEOUT);
    let refusal: string | null = null;
    socket.onerror = () => {};
    socket.onclose = (event) => {
      clearTimeout(timer);
      const code = refusal !== null ? 'unauthorized' : closeCodeError(event.code, false);
      reject(new SignalingError(code, refusal ?? `the chat server closed the connection (${event.code})`));
    };
    socket.onmessage = (event) => {
      const msg = parseFrame(event.data);
      if (msg?.type === 'error') {
        refusal = typeof msg.message === 'string' ? msg.message : 'refused';
        return;
      }
      if (msg?.type !== 'welcome') return;
      clearTimeout(timer);
      resolve({ socket, welcome: msg as unknown as ChatWelcome });
    };
  });
}

export class ChatLink {
  #current: ChatState = 'connected';
  #userClosed = false;
  #attempts = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private socket: SocketLike,
    private latest: ChatWelcome,
    private readonly options: ReferenceChatOptions,
    private readonly hooks: LinkHooks,
  ) {
    this.#listen(socket);
  }

  /** The server's latest welcome: a reconnection brings a new one. */
  get welcome(): ChatWelcome {
    return this.latest;
  }

  get state(): ChatState {
    return this.#current;
  }

  /** Sends one message; throws a `ReferenceChatError` while reconnecting (`unreachable`) or once closed. */
  send(msg: object): void {
    if (this.#current === 'reconnecting')
      throw new ReferenceChatError('unreachable', 'the chat is reconnecting: send again when `state` is connected');
    if (this.#userClosed || this.#current === 'closed' || this.socket.readyState !== OPEN)
      throw new ReferenceChatError('closed', 'the chat is closed');
    this.socket.send(JSON.stringify(msg));
  }

  close(): void {
    if (this.#userClosed) return;
    this.#userClosed = true;
    if (this.#current === 'reconnecting') this.#finish(1000, '');
    else this.socket.close(1000);
  }

  #listen(socket: SocketLike): void {
    socket.onmessage = (event) => this.hooks.message(parseFrame(event.data));
    socket.onclose = (event) => this.#lost(event.code, event.reason);
  }

  /** The socket closed: for good (our close, a final code, reconnection off), or dial again with backoff. */
  #lost(code: number, reason: string): void {
    const reconnect = this.options.reconnect ?? true;
    if (this.#userClosed || !reconnect || FINAL_CLOSE.has(code)) return this.#finish(code, reason);
    this.#setState('reconnecting');
    this.#retryTimer = retryTimer(() => void this.#redial(), backoffDelay(this.#attempts++, reconnect));
  }

  async #redial(): Promise<void> {
    const before = this.latest;
    let opened: { socket: SocketLike; welcome: ChatWelcome };
    try {
      opened = await openChat(this.options, before.peer.token);
    } catch (err) {
      if (this.#userClosed) return;
      // refused (token expired, room deleted): no point in trying again
      if (err instanceof SignalingError && err.code === 'unauthorized') return this.#finish(4401, err.message);
      return this.#lost(1006, '');
    }
    if (this.#userClosed) return opened.socket.close(1000);
    this.#attempts = 0;
    this.socket = opened.socket;
    this.latest = opened.welcome;
    this.#listen(opened.socket);
    const then = this.hooks.reconnected(opened.welcome, before);
    this.#setState('connected');
    then();
  }

  #finish(code: number, reason: string): void {
    if (this.#current === 'closed') return;
    clearTimeout(this.#retryTimer);
    this.#setState('closed');
    this.hooks.closed(code, reason);
  }

  #setState(state: ChatState): void {
    if (this.#current === state) return;
    this.#current = state;
    this.hooks.state(state);
  }
}
