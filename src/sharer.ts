// cobrowse-rtc for the customer's page (the sharer) only: what a site embeds to share a page —
// the session, the chat signaling, the consent/banner/button/annotation elements — and not the
// mirror, which only the agent's console needs. Global `CobrowseSharer` in the IIFE build.
// Importing it registers the elements (<cobrowse-consent>, <cobrowse-sharing-banner>,
// <cobrowse-share-button>, <cobrowse-annotations>).
// the core (sessions, signaling, the secure channel), one list: src/sharer-core.ts
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
