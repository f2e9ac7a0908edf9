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
