/**
 * What a viewer may cost the customer's page. Each control message a viewer sends makes the sharer
 * work: a `resync` is a full capture of the page, a `click` an animation, a `ping` a sealed answer.
 * An agent's console sends a few per second at most; a broken or hostile one must not be able to
 * freeze the customer's tab, so each kind has a token bucket per viewer and the excess is dropped.
 *
 * Sizes: the sharer's secure channel refuses a viewer's message over `VIEWER_MESSAGE_MAX` (its
 * first record declares the size: refused before anything is allocated), and its peer transports
 * refuse a chunked message over `VIEWER_TRANSPORT_MAX`. A viewer's messages are a few dozen bytes.
 */
import { CodedError } from '../errors.js';

/** Largest message the sharer accepts from a viewer (the secure channel's limit), in bytes. */
export const VIEWER_MESSAGE_MAX = 4 * 1024;
/** Largest transport message the sharer accepts from a viewer (one record or handshake message). */
export const VIEWER_TRANSPORT_MAX = 16 * 1024;

/** Burst and sustained rate (per second) per kind of control message from one viewer. */
export const RATES = {
  // the viewer asks again after a bad frame: twice in a row is plenty, then one per 5 s
  resync: { burst: 2, perSecond: 1 / 5 },
  // pointer moves are sent at most once per animation frame (elements/viewer/pointer.ts)
  pointer: { burst: 60, perSecond: 60 },
  click: { burst: 20, perSecond: 10 },
  // the element pings every 2 s, the link check once after an outage
  ping: { burst: 10, perSecond: 2 },
  // the agent's input while it controls the page: pointer moves once per frame, keys as fast as a typist
  act: { burst: 120, perSecond: 60 },
  // pieces of strokes: one per animation frame while drawing
  ink: { burst: 120, perSecond: 60 },
  // asking for control (and giving it back): a person's clicks, not a loop that re-prompts the customer
  control: { burst: 3, perSecond: 1 / 10 },
} as const;

export type LimitedKind = keyof typeof RATES;

/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  /** True from a refusal until the next message is let through: one report per limited stretch. */
  limited = false;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes a token if there is one (`now`: a monotonic clock in ms). */
  take(now: number): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.perSecond) / 1000);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** One bucket per kind, for one viewer. */
export function viewerBuckets(now: number): Record<LimitedKind, TokenBucket> {
  const make = (k: LimitedKind) => new TokenBucket(RATES[k].burst, RATES[k].perSecond, now);
  return {
    resync: make('resync'),
    pointer: make('pointer'),
    click: make('click'),
    ping: make('ping'),
    control: make('control'),
    ink: make('ink'),
    act: make('act'),
  };
}

export type SessionErrorCode = 'rate-limited' | 'approval';

/** A session-level problem with one viewer that did not end the session (see the `error` event). */
export class SessionError extends CodedError<SessionErrorCode> {
  override readonly name = 'SessionError';
  constructor(
    code: SessionErrorCode,
    message: string,
    /** The viewer's address. */
    readonly viewer: string,
  ) {
    super(code, message);
  }
}
