// The public way to open the secure channel, for either side. The sessions call openChannel
// (open.ts) themselves: the sharing session with no inflater, so the sharer's bundle leaves the
// inflater out (receiver.ts says why only the sharer compresses).
import type { Transport } from '../transport/transport.js';
import type { SecureChannel } from './channel.js';
import { openChannel } from './open.js';
import { SyncInflate } from './sync-inflate.js';
import type { SecureOptions } from './types.js';

/**
 * Runs the handshake over `transport` as `options.role` and resolves with the channel once both sides
 * have proved the same keys (open.ts, openChannel). The viewer's side inflates the sharer's
 * compressed records; the sharer's side compresses and refuses compressed records.
 */
export function openSecureChannel(transport: Transport, options: SecureOptions): Promise<SecureChannel> {
  return openChannel(transport, options, options.role === 'viewer' ? new SyncInflate() : null);
}
