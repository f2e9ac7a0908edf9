export { startSharing, resumeSharing, SharingSession, type SharingEvents } from './sharing.js';
export { startViewing, ViewingSession, type ViewingEvents } from './viewing.js';
export type * from './types.js';
