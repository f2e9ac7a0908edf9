// The viewer side: rebuilds the sharer's page from frames, inside a sandboxed iframe.
export { Mirror, type MirrorOptions, type MirrorViewport } from './mirror.js';
export { rewriteSelector } from './styles.js';
export { unsafeUrl } from './sanitize.js';
