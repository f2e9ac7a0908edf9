/**
 * A sharer element that follows a sharing session (its `session` property): it listens to the
 * session's events while it is in the document and has a session, and lets go when either goes — a
 * removed element keeps no session alive, and a new session replaces the old one's listeners.
 */
import type { PropertyValues } from 'lit';
import type { SharingSession } from '../../session/sharing.js';
import { SharerElement } from './shared.js';

export abstract class SessionElement extends SharerElement {
  /** The session it shows (a reactive property of each element: `session: { attribute: false }`). */
  declare session: SharingSession | null;
  #unsubscribe: (() => void)[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    this.#follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unfollow();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) this.#follow();
  }

  /** Listens to `session`'s events; returns the functions that stop each listener. */
  protected abstract listen(session: SharingSession): (() => void)[];

  /** Forgets what the last session's events left here (called whenever the element lets go of it). */
  protected abstract forget(): void;

  #follow(): void {
    this.#unfollow();
    const s = this.session;
    if (!s || !this.isConnected) return;
    this.#unsubscribe = this.listen(s);
  }

  #unfollow(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.forget();
  }
}
