import type { MaskOptions } from '../capture/mask.js';
import type { CaptureOptions } from '../capture/index.js';
import type { MirrorOptions } from '../mirror/index.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { PeerTransport, PeerTransportOptions } from '../transport/peer.js';
import type { Transport } from '../transport/transport.js';
import type { ControlRules } from './control-port.js';
import type { ControlAction, RefusalReason } from '../control/actions.js';

/**
 * `connecting` — setting up (signaling, data channel, handshake; for a sharer: waiting for a viewer);
 * `connected` — frames flow (for a sharer: at least one viewer is connected); `reconnecting` — the
 * connection was lost (network change, the sharer's page navigating) and is being restored without
 * anyone's action; `ended` — over for good, with a reason.
 */
export type SessionState = 'connecting' | 'connected' | 'reconnecting' | 'ended';

/**
 * Why a session ended: `stopped` — stop() here; `remote-stopped` — the other side ended it;
 * `denied` — the customer refused this viewer; `approval-timeout` — the customer did not answer
 * within `approvalTimeout` (or left the page unanswered); `oversized` — a viewer sent a message over
 * the sharer's limit;
 * `unreachable` — the connection was lost and did not come back within `reconnectTimeout` (a viewer's
 * first connection: the sharer's address did not answer within `handshakeTimeout`);
 * `transport` — the connection closed under us; `signaling` — the chat/signaling failed before a
 * connection was up; a SecureError code (`wrong-secret`, `tampered`, `timeout`, ...) — the secure
 * channel refused the other side.
 */
export type EndReason = string;

export interface StateChange {
  state: SessionState;
  /** Set when `state` is `ended`. */
  reason?: EndReason;
}

/**
 * What the sharer posts in the chat so a viewer can join: its address on the signaling channel and
 * the invitation secret (base64url) that the session keys are bound to.
 */
export interface Invitation {
  peer: string;
  secret: string;
}

/**
 * How a session sets up its WebRTC connections through the chat: an adapter, which the caller keeps
 * (and closes), or a function that makes one for this session, which the session closes when it
 * ends — e.g. `() => createPeerJsSignaling({ url, id, token })` for the reference server
 * (cobrowse-rtc/reference-server). A function, not a shorthand object, so that a site whose own
 * chat carries the signals does not ship the reference server's client.
 */
export type SignalingSource = SignalingAdapter | (() => SignalingAdapter);

export interface CommonOptions {
  /** An established channel to run over as is (loopback, WebSocket, ...). One of `transport` and `signaling`. */
  transport?: Transport;
  /** How to set up a WebRTC data channel through the chat. One of `transport` and `signaling`. */
  signaling?: SignalingSource;
  /**
   * RTCPeerConnection configuration (ICE/TURN servers) for WebRTC. Default: the browser's (no
   * servers). A function is called for every new connection (a reconnection, the next page dialing
   * back): return fresh ephemeral TURN credentials from it, they expire.
   */
  rtc?: RTCConfiguration | (() => RTCConfiguration);
  /**
   * With signaling: makes each connection instead of WebRTC (`createPeerTransport`, the default,
   * which it is called like). Why: a browser without RTCPeerConnection (Debian's WebKitGTK), a network
   * that blocks it, or a test brings its own link — a WebSocket relay, say. Its signals travel
   * through the chat as WebRTC's do, and the router tells a new connection from a repeated offer by
   * the `o=` line's session id in `sdp`: give each connection's offer its own numeric id there, and
   * echo it in the answer. The secure channel above still encrypts end to end, so a relay in
   * between sees only sealed bytes. `rtc` is passed on as `config`. Its `closed` must turn true when
   * it closes (the session lets go of closed connections by it).
   */
  createTransport?: (options: PeerTransportOptions) => PeerTransport;
  /** Milliseconds for the secure handshake. Default 10000. */
  handshakeTimeout?: number;
  /**
   * With signaling: milliseconds a lost connection may take to come back (the session is
   * `reconnecting` meanwhile) before it ends with `unreachable`. Default 30000.
   */
  reconnectTimeout?: number;
}

export interface SharingOptions extends CommonOptions {
  /** The document to share. Default: `document`. */
  document?: Document;
  /** What to mask or block before anything leaves this machine. */
  mask?: MaskOptions;
  /** When changes are written (see `capture`). */
  batch?: CaptureOptions['batch'];
  /** The invitation secret (16–64 bytes, or base64url). Default: 16 fresh random bytes. */
  secret?: Uint8Array | string;
  /** Viewers at once, approved or waiting for approval; more are refused. Default 8. */
  maxViewers?: number;
  /**
   * Milliseconds without input (pointer, key, wheel) on the page after which the viewers are told the
   * customer is idle (`ViewingSession.customer`). Default 60000.
   */
  idleTimeout?: number;
  /**
   * With signaling: keep what a later page of this site needs to continue the session
   * (`resumeSharing`) in this tab's sessionStorage (the approved viewers' codes and resumption
   * secrets, never the invitation secret), until `reconnectTimeout` after the last contact. Default true.
   */
  persist?: boolean;
  /**
   * Who decides that a viewer may see the page. After its handshake a viewer gets nothing — no
   * snapshot, no delta, no capture starts for it — until it is approved; one that is denied or not
   * answered within `approvalTimeout` is told why (`bye`) and gets nothing else. Every new viewer is
   * asked about, every time; a viewer that resumes a channel it was approved on is not asked again.
   *
   * - `'prompt'` (default): the session emits `approval` and waits for `approve(id)` or `deny(id)`;
   *   the elements show it (`showConsent(session)`): the viewer's name and six-digit code, Allow / Deny.
   * - `'code'`: the customer types the code the agent reads out (on a phone call, say) into
   *   `approve(id, code)`; three wrong codes deny. The only mode that also defeats a malicious chat
   *   server: a server that runs its own handshakes shows the agent a code of its channel with the agent,
   *   which never matches the channel the customer is asked about.
   * - a function: called for each viewer; the site's own UI answers, and the site owns that choice.
   */
  approve?: ApproveMode;
  /** Milliseconds a viewer may wait for approval before it is refused with `approval-timeout`. Default 60000. */
  approvalTimeout?: number;
  /**
   * The name a viewer's signaling address has in this side's own chat (the name the chat server
   * stamped on that participant), shown in the approval: `(peer) => chat.participant(peer)?.name`.
   * Never taken from the viewer itself. Without it, or when it returns nothing, the name is null.
   */
  viewerName?: (address: string) => string | null | undefined;
  /**
   * The role a viewer's signaling address has in this side's chat (e.g. the agent token's claim, as
   * the chat server stamped it): an `'observer'` sees the page and never controls it. Never taken
   * from the viewer itself alone: a viewer that calls itself an observer is one, one that calls
   * itself an agent is what this says. Default: `'agent'`.
   */
  viewerRole?: (address: string) => ViewerRole | null | undefined;
  /**
   * Whether a viewer may control this page (pointer, clicks, typing, scrolling) after asking:
   * `'prompt'` (default) — the session emits `controlrequest`; the customer answers with
   * `grantControl(id)` / `denyControl(id)` (the elements ask: `showConsent(session)`); `false` —
   * never; a function — the site decides per request. Only one viewer controls at a time; the customer
   * takes control back with `revokeControl()` (the banner's button, or Escape); it also ends when
   * the tab is hidden, when the page goes away and when the session ends. A next page of the site
   * (`resumeSharing`, within `controlRules.allowedOrigins`, reached from one of them) gives it back
   * to the same viewer without asking once that viewer is back, within `reconnectTimeout`; a
   * `restored` `control` event says so. What the agent may touch is decided on this page.
   */
  control?: ControlMode;
  /** Milliseconds the customer has to answer a control request before it expires. Default 30000. */
  controlTimeout?: number;
  /**
   * What the agent may touch while it controls the page, decided on this page: `allowedOrigins` (where
   * its clicks may navigate; default this page's origin), `readonly` (selectors it may see but not
   * change; also `data-cobrowse-readonly`), `editable` (`contenteditable` areas open to it; none by
   * default), `confirmSubmit` (the customer confirms every form submit; default true). Masked,
   * blocked and sensitive fields, file inputs and our own UI are never open to it.
   */
  controlRules?: ControlRules;
}

/** See `SharingOptions.control`. */
export type ControlMode = 'prompt' | false | ((viewer: ViewerInfo) => Promise<boolean> | boolean);

/** Where a viewer's control of the page stands, as the viewer sees it. */
export type ViewerControl = 'none' | 'asking' | 'granted';

/** `'agent'` may ask for control; `'observer'` (a supervisor, a trainee) only watches. */
export type ViewerRole = 'agent' | 'observer';

/**
 * Why a control request or a control ended: `denied` / `expired` (the customer said no, or did not
 * answer), `revoked` (the customer took control back), `released` (the viewer gave it back),
 * `hidden` (the customer's tab was hidden), `navigation` (the page went away: a next page of the
 * site within `controlRules.allowedOrigins` that resumes the session gives control back to the same
 * viewer, without asking, once it is back; any other page does not), `left` (the viewer went away),
 * `ended` (the session ended), `busy` (another viewer asks or controls), `not-allowed` (`control:
 * false`), `unavailable` (this page has no remote control: the sharer core alone), `observer`.
 */
export type ControlEndReason =
  | 'denied'
  | 'expired'
  | 'revoked'
  | 'released'
  | 'hidden'
  | 'navigation'
  | 'left'
  | 'ended'
  | 'busy'
  | 'not-allowed'
  | 'unavailable'
  | 'observer';

/** Detail of `control`: a viewer got control (`granted`), or its request or control ended (`reason`). */
export interface ControlChange extends ViewerInfo {
  granted: boolean;
  reason?: ControlEndReason;
  /** Granted without asking: the viewer held control on this tab's previous page of the site (`resumeSharing`). */
  restored?: boolean;
}

/** See `SharingOptions.approve`. */
export type ApproveMode = 'prompt' | 'code' | ((viewer: ViewerRequest) => Promise<boolean>);

/** A viewer waiting for the customer's approval (what `approve` functions are called with). */
export interface ViewerRequest {
  /** Its signaling address, or `'transport'` for a session over a given transport. */
  id: string;
  /** The six-digit code of its channel: the agent's screen shows the same one unless someone is in between. */
  sas: string;
  /** Its name in this side's chat (`viewerName`), or null when unknown. */
  name: string | null;
  /** `viewerRole`'s answer: an observer never controls the page. */
  role: ViewerRole;
}

/**
 * Detail of the `approval` event. With `mode: 'code'` the code is left out (`sas: null`): the
 * customer must hear it from the agent and type it, not read it off this page.
 */
export interface ApprovalRequest {
  id: string;
  name: string | null;
  mode: 'prompt' | 'code';
  sas: string | null;
}

/** Detail of `approvalended`: the request is over (the UI closes its question). */
export interface ApprovalEnd {
  id: string;
  approved: boolean;
  /** When not approved: `denied`, `approval-timeout`, or why the viewer went away. */
  reason?: EndReason;
}

export interface ViewingOptions extends CommonOptions {
  /** Where the mirror's iframe goes. */
  container: HTMLElement;
  /** With `signaling`: the sharer's invitation from the chat. With `transport`: its secret is enough. */
  invitation?: Invitation;
  /** With `transport`: the invitation secret. */
  secret?: Uint8Array | string;
  /** Options of the Mirror (scale, cursor, ...). */
  mirror?: Omit<MirrorOptions, 'onError' | 'onApply' | 'onReject'>;
  /**
   * `'observer'` (a supervisor, a trainee): this viewer only watches; the customer's page then never
   * lets it control the page, whatever its chat says. Default `'agent'` (the customer's page still
   * decides, with its own `viewerRole`).
   */
  role?: ViewerRole;
}

/** One approved viewer, as the sharer sees it. */
export interface ViewerInfo {
  /** Its signaling address, or `'transport'` for a session over a given transport. */
  id: string;
  /** The 6-digit short authentication code of this viewer's channel: the agent reads theirs aloud. */
  sas: string;
  /** Its name in this side's chat (`viewerName`), or null when unknown. */
  name: string | null;
  /** `viewerRole`'s answer (or the viewer's own, when it said `'observer'`). */
  role: ViewerRole;
}

/**
 * How far the snapshot is, for a progress bar (`received / total`). While the customer's page still
 * writes a large one (in slices): elements written, of its top document's `total`. Then, as it arrives:
 * bytes received, of the message's `total`.
 */
export interface Progress {
  received: number;
  total: number;
}

/**
 * A piece of a stroke drawn over the page: `points` are x, y pairs in the sharer's page coordinates
 * (CSS pixels of its top document, its scroll included); `id` is the stroke's (per author); `end` on
 * its last piece.
 */
export interface InkStroke {
  id: number;
  points: number[];
  end?: boolean;
}

/** The events of a `SharingSession` (`session.on(type, listener)`). */
export interface SharingEvents {
  state: StateChange;
  /** A viewer finished its handshake and waits for the customer (`approve(id)` / `deny(id)`). */
  approval: ApprovalRequest;
  /** A request is over: approved, denied, timed out, or the viewer went away. */
  approvalended: ApprovalEnd;
  /** A viewer was approved and gets the page from now on — its code is `sas`. */
  viewerjoined: ViewerInfo;
  /** A viewer's connection was lost; it may come back within `reconnectTimeout`. */
  viewerreconnecting: ViewerInfo;
  /** A viewer came back (same code: the resumed channel is bound to the first one). */
  viewerresumed: ViewerInfo;
  viewerleft: ViewerInfo & { reason: EndReason };
  /** The agent's pointer and clicks (annotations, never remote control), in this page's CSS pixels. */
  pointer: { viewer: string; x: number; y: number };
  click: { viewer: string; x: number; y: number };
  /** The agent's pointer left its view of the page: its cursor should go. */
  pointerout: { viewer: string };
  /** A viewer drew (a piece of a stroke, in its colour); `<cobrowse-annotations>` draws it. */
  ink: InkStroke & { viewer: string; color: string };
  /** A viewer cleared its strokes. */
  inkclear: { viewer: string };
  /** A viewer asks to control the page (`control: 'prompt'`): `grantControl(id)` or `denyControl(id)` before `expires` (ms since the epoch). */
  controlrequest: ViewerInfo & { expires: number };
  /** A viewer got control, or a request or control ended (with why). */
  control: ControlChange;
  /** The viewer in control wants to submit a form: `confirmSubmit()` or `declineSubmit()`. */
  controlconfirm: ViewerInfo;
  /** An action of the viewer in control was refused on this page (for the audit log: never a value). */
  refused: { viewer: string; action: ControlAction['a']; reason: RefusalReason | 'not-controlling' };
  /**
   * Something went wrong that did not end the session: a viewer refused (SecureError, TransportError
   * `oversized`), a viewer over its rate (SessionError `rate-limited`, once per stretch), a capture error.
   */
  error: Error;
}

/** The events of a `ViewingSession` (`session.on(type, listener)`). */
export interface ViewingEvents {
  state: StateChange;
  /** The handshake is done: show this 6-digit code; the customer sees the same one unless someone is in between. */
  sas: string;
  /** The customer is asked to approve this viewer (by name and this code); nothing arrives before. */
  pending: { sas: string };
  /** The channel was resumed (a lost link came back, or the sharer's next page took over): `count` so far. */
  resumed: { count: number };
  /** A large message (a snapshot) is arriving. */
  progress: Progress;
  /** A frame was applied (after the mirror changed). */
  frame: { seq: number; snapshot: boolean };
  /** Round-trip time to the sharer over the secure channel, in ms (after each `ping()`). */
  latency: number;
  /** Where this viewer's control of the page stands (`requestControl()`); with `none`, why it ended. */
  control: { state: ViewerControl; reason?: string };
  /** The customer (`by: 'customer'`) or another viewer (its id) drew a piece of a stroke, in `color`. */
  ink: InkStroke & { by: string; color: string };
  /** The customer or another viewer cleared its strokes. */
  inkclear: { by: string };
  /**
   * The customer's page did not do what the agent asked while in control: `reason` (`private`,
   * `readonly`, `file`, `editable`, `navigation`, `outside`, `changed`, `not-focused`,
   * `submit-declined`, `not-controlling`; `confirm-submit`: the customer is asked to confirm), `text`
   * in plain words for the agent.
   */
  refused: { action: string; reason: string; text: string };
  /** The customer's tab was hidden or shown, or the customer went idle or came back (`customer` getter: now). */
  customer: CustomerPresence;
  error: Error;
}

/**
 * What the sharer tells its viewers about the customer: `hidden`, the shared tab is not visible
 * (another tab, minimised); `idle`, no input (pointer, key, wheel) on the page for a minute.
 */
export interface CustomerPresence {
  hidden: boolean;
  idle: boolean;
}
