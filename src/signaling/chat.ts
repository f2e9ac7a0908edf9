/**
 * Signaling carried by any chat that can carry text: each signal is one chat message, a fixed prefix
 * then JSON `{ to, signal }`. Everyone in the chat may see it (a plain chat broadcasts), but only the
 * party whose id is `to` acts on it; anything else in the chat passes through untouched. What a signal
 * exposes to the chat is the SDP/ICE of the connection; the content is end-to-end encrypted above it.
 */
import { SignalingError, type Signal, type SignalingAdapter } from './adapter.js';
import { asSignal } from './validate.js';

/** The minimal chat: this party's id in it, a way to post text, and the texts others post. */
export interface TextChat {
  readonly id: string;
  post(text: string): void;
  onmessage: ((from: string, text: string) => void) | null;
}

export interface ChatSignalingOptions {
  /** Chat text that is not a signal. Default: the `onmessage` the chat had before, if any. */
  ontext?: (from: string, text: string) => void;
}

/** Starts every signal message; recognizable in a chat log, unlikely in a human's text. */
export const SIGNAL_PREFIX = '\u2060cobrowse-rtc/signal/1 ';

export function encodeSignalText(to: string, signal: Signal): string {
  return SIGNAL_PREFIX + JSON.stringify({ to, signal });
}

/** `{ to, signal }` of a signal message; null for any other text; 'malformed' for a damaged one. */
export function decodeSignalText(text: string): { to: string; signal: Signal } | null | 'malformed' {
  if (!text.startsWith(SIGNAL_PREFIX)) return null;
  try {
    const v: unknown = JSON.parse(text.slice(SIGNAL_PREFIX.length));
    if (!v || typeof v !== 'object') return 'malformed';
    const { to, signal } = v as { to?: unknown; signal?: unknown };
    const valid = asSignal(signal);
    return typeof to === 'string' && valid ? { to, signal: valid } : 'malformed';
  } catch {
    return 'malformed';
  }
}

export function createChatSignaling(chat: TextChat, options: ChatSignalingOptions = {}): SignalingAdapter {
  const previous = chat.onmessage;
  const ontext = options.ontext ?? previous;
  let closed = false;

  const handler = (from: string, text: string): void => {
    const decoded = decodeSignalText(text);
    if (decoded === null) return ontext?.(from, text);
    if (from === chat.id) return; // our own message echoed by the chat
    if (decoded === 'malformed') {
      adapter.onerror?.(new SignalingError('malformed', `a damaged signal message from ${from}`));
      return;
    }
    if (decoded.to !== chat.id) return;
    adapter.onsignal?.(from, decoded.signal);
  };

  const adapter: SignalingAdapter = {
    id: chat.id,
    ready: Promise.resolve(),
    onsignal: null,
    onerror: null,
    send(to: string, signal: Signal): void {
      if (closed) throw new SignalingError('closed', 'signaling is closed');
      try {
        chat.post(encodeSignalText(to, signal));
      } catch (err) {
        throw new SignalingError('refused', `the chat did not take the signal: ${(err as Error).message}`);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      if (chat.onmessage === handler) chat.onmessage = previous;
    },
  };
  chat.onmessage = handler;
  return adapter;
}
