export { SharingSession, type SharingEvents } from './sharing.js';
export { startSharing, resumeSharing } from './start-sharing.js';
export { startViewing, ViewingSession, type ViewingEvents } from './viewing.js';
export type * from './types.js';
