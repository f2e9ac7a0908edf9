// The end-to-end encrypted, compressed channel over any Transport. Wire format: src/protocol/SPEC.md,
// "Secure channel".
export { openSecureChannel } from './open-secure-channel.js';
export { SecureChannel } from './channel.js';
export { randomSecret, encodeSecret, decodeSecret } from './secret.js';
export { SecureError, type SecureErrorCode, type SecureOptions, type SecureRole } from './types.js';
