/**
 * The customer's approval of a viewer (SharingOptions.approve). Why it exists: whoever relays the
 * chat holds the invitation secret too, so it can finish a handshake with the customer's page as
 * well as the agent can. A handshake proves only "someone invited": the page goes to no one until
 * the customer says this viewer, with this name and this code, may see it.
 */
import { constantTimeEqual } from '../secure/keys.js';
import type { ApproveMode } from './types.js';

/** Wrong codes typed in `'code'` mode before the viewer is denied. */
export const MAX_CODE_TRIES = 3;

const encoder = new TextEncoder();

/**
 * Whether `typed` is the code `sas` (spaces and other separators are ignored: "123 456"). Constant
 * time over the digits, so how long it takes says nothing about how many matched.
 */
export function codeMatches(typed: string, sas: string): boolean {
  const a = encoder.encode(typed.replace(/\D/g, ''));
  const b = encoder.encode(sas);
  // equal lengths for the comparison: a length mismatch is still compared in full, then refused
  const padded = new Uint8Array(b.length);
  padded.set(a.subarray(0, b.length));
  return constantTimeEqual(padded, b) && a.length === b.length;
}

/** The mode to use; anything else is refused, so no misspelt option can end up approving everyone. */
export function approveMode(mode: unknown): ApproveMode {
  if (mode === undefined) return 'prompt';
  if (mode === 'prompt' || mode === 'code' || typeof mode === 'function') return mode as ApproveMode;
  throw new TypeError(`startSharing: approve is 'prompt', 'code' or a function, not ${String(mode)}`);
}

/** `123456` → `123 456`: how the elements show a code, easier to read out and compare. */
export function formatCode(sas: string): string {
  return sas.length === 6 ? `${sas.slice(0, 3)} ${sas.slice(3)}` : sas;
}
