// The handshake (src/protocol/SPEC.md, "Secure channel"): COMMIT → KEY → REVEAL, then a sealed CONFIRM each way.
//   viewer                                   sharer
//   COMMIT  H(viewerPub ‖ nonce)      →
//                                     ←      KEY     sharerPub
//   REVEAL  viewerPub ‖ nonce          →     checks H
//   CONFIRM (record 0, viewer key)     →
//                                     ←      CONFIRM (record 0, sharer key)
// The viewer commits to its key before it sees the sharer's, and the sharer's key is fixed before the
// viewer's is revealed: a man in the middle cannot try keys until the two SAS codes happen to match.
import nacl from 'tweetnacl';
import type { Transport } from '../transport/transport.js';
import { SecureChannel } from './channel.js';
import { RecordType } from './framing.js';
import { abortError, decodeHandshake, encodeAbort, encodeHandshake, HandshakeType, isHandshake } from './handshake.js';
import { commitment, constantTimeEqual, deriveKeys, type SessionKeys } from './keys.js';
import type { Inflater } from './receiver.js';
import { openRecord } from './record.js';
import { SECRET_MAX, SECRET_MIN } from './secret.js';
import { Sender } from './sender.js';
import { SecureError, type SecureOptions } from './types.js';

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_LIMIT = 64 * 1024 * 1024;

/**
 * Runs the handshake over `transport` and resolves with the channel once both sides have proved the
 * same keys. Rejects with a SecureError: 'wrong-secret', 'version', 'handshake', 'timeout', 'closed'.
 * The transport is closed on failure; on success the channel owns it.
 *
 * Only the sharer compresses: `inflater` is the viewer's (what inflates the sharer's records), null
 * on the sharer's side, which refuses compressed records. The sharing session calls this with null so
 * that the customer's page carries no inflater; `openSecureChannel` (open-secure-channel.ts) picks by role.
 */
export function openChannel(transport: Transport, options: SecureOptions, inflater: Inflater | null): Promise<SecureChannel> {
  return new Promise((resolve, reject) => {
    const { role, secret } = options;
    const limit = options.maxMessageSize ?? DEFAULT_LIMIT;
    if (!(secret instanceof Uint8Array) || secret.length < SECRET_MIN || secret.length > SECRET_MAX) {
      reject(new SecureError('handshake', `the invitation secret must be ${SECRET_MIN} to ${SECRET_MAX} bytes`));
      return;
    }
    const own = nacl.box.keyPair();
    const nonce = nacl.randomBytes(32);
    let peerCommit: Uint8Array | null = null;
    let keys: SessionKeys | null = null;
    let sender: Sender | null = null;
    let step: 'key' | 'commit' | 'reveal' | 'confirm' = role === 'viewer' ? 'key' : 'commit';
    let done = false;

    const timer = setTimeout(
      () => fail(new SecureError('timeout', `no handshake within ${options.handshakeTimeout ?? DEFAULT_TIMEOUT} ms`)),
      options.handshakeTimeout ?? DEFAULT_TIMEOUT,
    );

    function fail(err: SecureError, tell = true): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      transport.onmessage = null;
      transport.onclose = null;
      try {
        // plaintext and unauthenticated, so it only says which step failed, never anything secret
        if (tell) transport.send(encodeAbort(err.code));
        transport.close();
      } catch {
        // the transport is already gone
      }
      reject(err);
    }

    /** Both public keys known: derive keys, send our CONFIRM (record 0 of our direction). */
    function derive(viewerPublic: Uint8Array, sharerPublic: Uint8Array): void {
      const peer = role === 'viewer' ? sharerPublic : viewerPublic;
      const shared = nacl.scalarMult(own.secretKey, peer);
      // a low-order public key gives an all-zero point: the peer would control the keys
      if (shared.every((b) => b === 0)) throw new SecureError('handshake', 'the other side sent a degenerate public key');
      keys = deriveKeys(secret, shared, viewerPublic, sharerPublic);
      sender = new Sender(transport, role === 'viewer' ? keys.viewerToSharer : keys.sharerToViewer, 0, role === 'sharer');
      sender.final(Uint8Array.of(RecordType.Confirm));
      step = 'confirm';
    }

    function onConfirm(record: Uint8Array): void {
      const k = keys!;
      let plain: Uint8Array;
      try {
        plain = openRecord(role === 'viewer' ? k.sharerToViewer : k.viewerToSharer, 0, record);
      } catch (err) {
        // record 0 under the keys we derived does not open: the other side holds another secret
        // (or someone in between changed a key, which the SAS would show: either way, stop)
        if (err instanceof SecureError && err.code === 'tampered') {
          throw new SecureError('wrong-secret', 'the other side proved a different invitation secret');
        }
        throw err;
      }
      if (plain.length !== 1 || plain[0] !== RecordType.Confirm) throw new SecureError('handshake', 'record 0 is not CONFIRM');
      done = true;
      clearTimeout(timer);
      resolve(
        new SecureChannel({
          transport,
          sas: k.sas,
          resumeSecret: k.resume,
          sender: sender!,
          receiveKey: role === 'viewer' ? k.sharerToViewer : k.viewerToSharer,
          receiveCounter: 1,
          limit,
          inflater,
        }),
      );
    }

    function onMessage(data: Uint8Array): void {
      if (done) return;
      try {
        if (step === 'confirm' && !isHandshake(data)) return onConfirm(data);
        const msg = decodeHandshake(data);
        if (msg.type === HandshakeType.Abort) return fail(abortError(msg.body), false);
        if (role === 'sharer' && step === 'commit' && msg.type === HandshakeType.Commit) {
          peerCommit = msg.body.slice();
          step = 'reveal';
          transport.send(encodeHandshake(HandshakeType.Key, own.publicKey));
        } else if (role === 'sharer' && step === 'reveal' && msg.type === HandshakeType.Reveal) {
          const viewerPublic = msg.body.slice(0, 32);
          if (!constantTimeEqual(commitment(viewerPublic, msg.body.subarray(32)), peerCommit!)) {
            throw new SecureError('handshake', 'the viewer revealed a key it had not committed');
          }
          derive(viewerPublic, own.publicKey);
        } else if (role === 'viewer' && step === 'key' && msg.type === HandshakeType.Key) {
          const sharerPublic = msg.body.slice();
          transport.send(encodeHandshake(HandshakeType.Reveal, own.publicKey, nonce));
          derive(own.publicKey, sharerPublic);
        } else {
          throw new SecureError('handshake', `handshake message ${msg.type} while waiting for ${step}`);
        }
      } catch (err) {
        fail(err instanceof SecureError ? err : new SecureError('handshake', String(err)));
      }
    }

    transport.onmessage = onMessage;
    transport.onclose = () => fail(new SecureError('closed', 'the transport closed during the handshake'), false);
    if (role === 'viewer') {
      try {
        transport.send(encodeHandshake(HandshakeType.Commit, commitment(own.publicKey, nonce)));
      } catch (err) {
        fail(new SecureError('closed', `the transport refused the handshake: ${String(err)}`), false);
      }
    }
  });
}
