/**
 * Registers `<cobrowse-viewer>` (importing this module is what defines it) and exports the class,
 * for a console that extends it or creates it with `new`. Registers once: a console may load two
 * copies of the bundle (its own and a widget's).
 */
import { CobrowseViewer } from './viewer.js';

export { CobrowseViewer, type ViewerConnection, type ViewerScale } from './viewer.js';
export { PING_MS, type ViewerState, type ViewerStateDetail } from './status.js';
export { shortUrl } from './status-bar.js';

if (!customElements.get('cobrowse-viewer')) customElements.define('cobrowse-viewer', CobrowseViewer);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-viewer': CobrowseViewer;
  }
}
