// cobrowse-rtc/viewer: the agent's element. Importing it registers <cobrowse-viewer> (once: a console
// may load two copies) and exports its class, for a console that extends it or creates it with `new`.
export {
  CobrowseViewer,
  type ViewerConnection,
  type ViewerScale,
  type ViewerState,
  type ViewerStateDetail,
} from './elements/viewer/define.js';
export { setMessages } from './elements/i18n.js';
// the types its properties and events name, so a console that imports only this entry can type them
export type { EndReason, Invitation, SessionState, SignalingSource } from './session/types.js';
export type { ViewingSession } from './session/viewing.js';
export type { Transport } from './transport/transport.js';
