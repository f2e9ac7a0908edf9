/**
 * Where remote control plugs into a sharing session. The customer's side of remote control (who holds
 * it, what the agent may touch, the agent's input replayed: `src/control/`, ~8 KB) is not in the sharer
 * core: `enableRemoteControl()` provides it here (`cobrowse-rtc/sharer` calls it when it loads).
 * Without it a session answers every control request with `unavailable`, so a site that never wanted
 * remote control neither ships it nor can be driven.
 */
import type { Capture } from '../capture/index.js';
import type { Emit } from './events.js';
import type { ControlEndReason, SharingEvents, SharingOptions, ViewerInfo } from './types.js';

/** What the agent may touch, decided on the customer's page (see `SharingOptions.controlRules`). */
export interface ControlRules {
  /** Origins the agent's clicks may navigate to (links, forms). Default: the page's own origin. */
  allowedOrigins?: readonly string[];
  /** Selectors of what the agent may see but not change (also `data-cobrowse-readonly`). */
  readonly?: string | readonly string[];
  /** Selectors of `contenteditable` areas the agent may type into (none by default). */
  editable?: string | readonly string[];
  /** Submitting a form asks the customer first. Default true. */
  confirmSubmit?: boolean;
}

/** What the session gives remote control. */
export interface RemoteControlHooks {
  emit: Emit<SharingEvents>;
  /** An approved viewer's info (null once it left). */
  info(id: string): ViewerInfo | null;
  /** Sends to one approved viewer (nothing when it has no channel now). */
  send(id: string, message: Uint8Array): void;
  /** The running capture: the ids the agent names elements by (null before anyone was approved). */
  capture(): Pick<Capture, 'idOf' | 'nodeOf'> | null;
  doc(): Document;
}

/** Remote control as the session uses it (src/control/remote-control.ts). */
export interface RemoteControlPort {
  readonly holder: string | null;
  request(id: string): void;
  release(id: string): void;
  grant(id: string): boolean;
  deny(id: string): void;
  revoke(reason: ControlEndReason): void;
  /** A viewer went away (or lost its link). */
  left(info: ViewerInfo): void;
  /** One input of a viewer, as it arrived (the port validates it). */
  act(viewer: string, action: unknown): void;
  confirmSubmit(): void;
  declineSubmit(): void;
  /**
   * This page goes away (pagehide): control ends (`navigation`). Returns the viewer that held it when
   * the next page may give it back (this page's origin is an allowed one), else null.
   */
  suspend(): string | null;
  /** On the next page (resumeSharing): `viewer` held control before; it gets it back if it resumes before `until`. */
  restore(viewer: string, until: number): void;
  /** A viewer's channel is back (its resumption secret proved it). */
  resumed(info: ViewerInfo): void;
  /** Listens on the shared document for what ends control by itself (hidden tab, the customer's Escape). */
  watch(doc: Document): void;
  unwatch(doc: Document): void;
}

export type RemoteControlFactory = (options: SharingOptions, hooks: RemoteControlHooks) => RemoteControlPort;

let provided: RemoteControlFactory | null = null;

/** Called by `enableRemoteControl()`. */
export function provideRemoteControl(factory: RemoteControlFactory): void {
  provided = factory;
}

/** Remote control for a new session, or null: this page has none (the sharer core alone). */
export function remoteControlFor(options: SharingOptions, hooks: RemoteControlHooks): RemoteControlPort | null {
  return provided ? provided(options, hooks) : null;
}
