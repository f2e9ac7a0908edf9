// Starting a sharing session, or continuing the one this tab's previous page was sharing.
import { loadSharing } from './persist.js';
import { SharingSession } from './sharing.js';
import type { SharingOptions } from './types.js';

/**
 * Shares `options.document` (default: this page). With `transport`: one viewer over it. With
 * `signaling`: resolves once the signaling channel is ready, with `session.invitation` to post in
 * the chat. Nothing is captured or sent until a viewer has finished its handshake and been approved
 * (`options.approve`, default `'prompt'`: answer the `approval` event, or let `showConsent` do it).
 */
export async function startSharing(options: SharingOptions = {}): Promise<SharingSession> {
  const session = new SharingSession(options);
  await session.start();
  return session;
}

/**
 * On a page of the site the sharer navigated to (or reloaded): continues the session the previous
 * page of this tab was sharing — the same approved viewers, no new approval — or resolves null when
 * there is none or it expired (`reconnectTimeout` after the last contact). The invitation is new (a
 * new address, a fresh secret): new viewers need it, and the customer's approval. Needs `signaling`.
 */
export async function resumeSharing(
  options: SharingOptions & { signaling: NonNullable<SharingOptions['signaling']> },
): Promise<SharingSession | null> {
  const stored = loadSharing((options.document ?? document).defaultView);
  if (!stored) return null;
  const session = new SharingSession(options, stored);
  await session.start();
  return session;
}
