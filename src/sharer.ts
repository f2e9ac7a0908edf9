// cobrowse-rtc/sharer: the customer's side with its elements — the sharer's core (src/sharer-core.ts)
// plus <cobrowse-consent>, <cobrowse-sharing-banner>, <cobrowse-share-button> and
// <cobrowse-annotations>, which importing it registers, and remote control (enabled on import; each
// request is still the customer's to grant). No mirror: only the agent's console needs it.
export * from './sharer-core.js';
export {
  CobrowseConsent,
  requestConsent,
  showConsent,
  type ConsentViewer,
  CobrowseSharingBanner,
  CobrowseShareButton,
  CobrowseAnnotations,
  showAnnotations,
  IGNORE_ATTR,
} from './elements/sharer/index.js';
export { setMessages } from './elements/i18n.js';

import { enableRemoteControl } from './control/index.js';

// the customer's side with everything: an agent may ask for control (the customer still decides)
enableRemoteControl();
