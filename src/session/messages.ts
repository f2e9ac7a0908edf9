/**
 * What a session sends through its secure channel: one kind byte, then either a protocol frame
 * (src/protocol) or a small control message. Control messages are rare and tiny, so they are JSON;
 * the hot path (frames) stays binary. Specified in src/protocol/SPEC.md, "Session messages".
 */
import type { ControlAction } from '../control/actions.js';

export const enum MessageKind {
  Frame = 0,
  Control = 1,
}

/** Control messages, both directions. `bye` carries why the other side ended. */
export type Control =
  | { t: 'resync' } // viewer → sharer: my mirror lost step, send me a snapshot
  | { t: 'bye'; reason: string }
  | { t: 'moving' } // sharer → viewer: this page is going away (navigation); the next one will dial you
  | { t: 'pending' } // sharer → viewer: the customer is asked to approve you; nothing comes before that
  | { t: 'ping'; id: number }
  | { t: 'pong'; id: number }
  | { t: 'pointer'; x: number; y: number } // viewer → sharer: the agent's pointer (annotation)
  | { t: 'click'; x: number; y: number }
  | { t: 'observer' } // viewer → sharer: I only watch (its role can only be lowered this way)
  | { t: 'pointer-out' } // viewer → sharer: the agent's pointer left the view (its cursor goes away)
  // a piece of a stroke (x, y pairs, page coordinates), both ways; `by` and `c` (colour) only from the sharer
  | { t: 'ink'; s: number; p: number[]; end?: boolean; by?: string; c?: string }
  | { t: 'ink-clear'; by?: string }
  | { t: 'act'; action: unknown } // viewer → sharer, while it controls the page: one input (a ControlAction)
  // sharer → viewer: an action it refused, and why (a RefusalReason, `not-controlling`, or `confirm-submit`: the customer is asked)
  | { t: 'refused'; a: ControlAction['a']; reason: string }
  | { t: 'control'; op: 'request' | 'release' } // viewer → sharer: asks for control of the page, or gives it back
  | { t: 'control-state'; state: 'asking' | 'granted' | 'ended'; reason?: string } // sharer → viewer: where that stands
  | { t: 'customer'; hidden: boolean; idle: boolean } // sharer → viewer: the customer's tab is hidden / no input for a while
  // sharer → a viewer waiting for its snapshot: a large page's is being written, `n` of its `of` elements so far
  | { t: 'writing'; n: number; of: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** One byte of kind, then the frame. Copies once: the secure channel may hold it while it sends. */
export function frameMessage(frame: Uint8Array): Uint8Array {
  const message = new Uint8Array(frame.length + 1);
  message[0] = MessageKind.Frame;
  message.set(frame, 1);
  return message;
}

export function controlMessage(control: Control): Uint8Array {
  const json = encoder.encode(JSON.stringify(control));
  const message = new Uint8Array(json.length + 1);
  message[0] = MessageKind.Control;
  message.set(json, 1);
  return message;
}

/** Tells the other side why its channel ends (`bye`); a channel already closed has no one to tell. */
export function sendBye(channel: { send(message: Uint8Array): void }, reason: string): void {
  try {
    channel.send(controlMessage({ t: 'bye', reason }));
  } catch {
    // already closed
  }
}

const COORD = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const ACTIONS = new Set(['move', 'click', 'key', 'scroll', 'select']);

/** At most this many points in one piece of a stroke (a piece is sent every animation frame). */
export const INK_POINTS_MAX = 256;
const PAGE_COORD = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e7;
const COLOR = /^#[0-9a-f]{6}$/;

/** A piece of a stroke; the sharer adds who drew it and its colour (`by`, `c`) for the viewers. */
function parseInk(v: Record<string, unknown>): Control | null {
  const { s, p } = v;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 2 ** 31) return null;
  if (!Array.isArray(p) || p.length % 2 !== 0 || p.length > 2 * INK_POINTS_MAX || !p.every(PAGE_COORD)) return null;
  return { t: 'ink', s, p: p as number[], ...(v.end === true && { end: true }) };
}

/** The JSON object of a control message; null when it is not one. */
function decodeControl(body: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(decoder.decode(body));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The kinds both sides send. */
function parseEitherWay(v: Record<string, unknown>): Control | null {
  switch (v.t) {
    case 'bye':
      return { t: 'bye', reason: typeof v.reason === 'string' ? v.reason.slice(0, 200) : 'ended' };
    case 'ping':
      return COORD(v.id) ? { t: 'ping', id: v.id } : null;
    default:
      return null;
  }
}

/**
 * Reads what a viewer sends (the sharer's side); null when it is not one we understand (an unknown
 * `t` from a newer version is ignored, not fatal: the channel is authenticated, so this is a version
 * skew, not an attack). What only the sharer sends is read by parseFromSharer, which the sharer's code
 * on the customer's page does not carry.
 */
export function parseFromViewer(body: Uint8Array): Control | null {
  const v = decodeControl(body);
  switch (v?.t) {
    case 'resync':
    case 'pointer-out':
    case 'observer':
      return { t: v.t };
    case 'pointer':
    case 'click':
      return COORD(v.x) && COORD(v.y) ? { t: v.t, x: v.x, y: v.y } : null;
    case 'ink':
      return parseInk(v);
    case 'ink-clear':
      return { t: 'ink-clear' };
    case 'act':
      // checked by remote control itself (src/control/parse.ts): the sharer core does not carry it
      return typeof v.action === 'object' && v.action !== null ? { t: 'act', action: v.action } : null;
    case 'control':
      return v.op === 'request' || v.op === 'release' ? { t: 'control', op: v.op } : null;
    default:
      return v && parseEitherWay(v);
  }
}

/** Reads what the sharer sends (the viewer's side); null as for parseFromViewer. */
export function parseFromSharer(body: Uint8Array): Control | null {
  const v = decodeControl(body);
  switch (v?.t) {
    case 'moving':
    case 'pending':
      return { t: v.t };
    case 'pong':
      return COORD(v.id) ? { t: 'pong', id: v.id } : null;
    case 'ink': {
      const ink = parseInk(v);
      return (
        ink && {
          ...ink,
          ...(typeof v.by === 'string' && { by: v.by.slice(0, 64) }),
          ...(typeof v.c === 'string' && COLOR.test(v.c) && { c: v.c }),
        }
      );
    }
    case 'ink-clear':
      return typeof v.by === 'string' ? { t: 'ink-clear', by: v.by.slice(0, 64) } : { t: 'ink-clear' };
    case 'refused':
      return ACTIONS.has(v.a as string) && typeof v.reason === 'string'
        ? { t: 'refused', a: v.a as ControlAction['a'], reason: v.reason.slice(0, 40) }
        : null;
    case 'control-state':
      if (v.state !== 'asking' && v.state !== 'granted' && v.state !== 'ended') return null;
      return { t: 'control-state', state: v.state, ...(typeof v.reason === 'string' && { reason: v.reason.slice(0, 40) }) };
    case 'customer':
      return typeof v.hidden === 'boolean' && typeof v.idle === 'boolean' ? { t: 'customer', hidden: v.hidden, idle: v.idle } : null;
    case 'writing':
      return COORD(v.n) && COORD(v.of) ? { t: 'writing', n: v.n, of: v.of } : null;
    default:
      return v && parseEitherWay(v);
  }
}
