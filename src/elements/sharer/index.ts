/**
 * The sharer's elements (the customer's side). Importing this module registers them:
 * `<cobrowse-consent>`, `<cobrowse-sharing-banner>`, `<cobrowse-share-button>`,
 * `<cobrowse-annotations>`. `showConsent(session)` is the approval of each viewer. Each carries `data-cobrowse-ignore`: the agent never sees them.
 */
export { CobrowseConsent, requestConsent, showConsent, type ConsentViewer } from './consent.js';
export { CobrowseSharingBanner } from './banner.js';
export { CobrowseShareButton } from './share-button.js';
export { CobrowseAnnotations, showAnnotations } from './annotations.js';
export { IGNORE_ATTR } from './shared.js';
