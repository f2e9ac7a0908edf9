// The errors with a `code`: one base class (src/errors.ts), and each class still what it was — its
// own name, its code, its message, its extra field, and `instanceof` of itself, of the base and of
// Error, never of another layer's class. Each is made by the code that really throws or reports it
// where that is a short path, and by its constructor otherwise.
import { CodedError } from '../src/errors.js';
import { decodeFrame, ProtocolError } from '../src/protocol/index.js';
import { openSecureChannel } from '../src/secure/index.js';
import { SecureError } from '../src/secure/types.js';
import { SessionError } from '../src/session/limits.js';
import { SignalingError } from '../src/signaling/adapter.js';
import { createChatSignaling } from '../src/signaling/chat.js';
import { ReferenceChatError } from '../src/signaling/reference-chat.js';
import { readServerMessage } from '../src/signaling/reference-chat-messages.js';
import { createLoopbackPair } from '../src/transport/loopback.js';
import { TransportError } from '../src/transport/transport.js';
import { assert, assertEqual, assertThrows, describe, fail, it } from './helpers/assert.js';

type ErrorClass = abstract new (...args: never[]) => Error;

const CLASSES: Record<string, ErrorClass> = {
  ProtocolError,
  SecureError,
  TransportError,
  SignalingError,
  SessionError,
  ReferenceChatError,
};

/** `error` is a `cls` named `name` with `code`, a CodedError and an Error, and no other class of the list. */
function checkCoded(error: unknown, name: keyof typeof CLASSES, code: string): void {
  assert(error instanceof CLASSES[name]!, `${String(error)} is a ${name}`);
  assert(error instanceof CodedError, `${name} is a CodedError`);
  assert(error instanceof Error, `${name} is an Error`);
  for (const [other, cls] of Object.entries(CLASSES)) {
    if (other !== name) assert(!(error instanceof cls), `a ${name} is not a ${other}`);
  }
  assertEqual(error.name, name, 'name');
  assertEqual(error.code, code, 'code');
  assertEqual(String(error), `${name}: ${error.message}`, 'what String() and the console show');
  assert(typeof error.stack === 'string' && error.stack.length > 0, `${name} has a stack`);
}

describe('errors with a code', () => {
  it('ProtocolError from the decoder: name, code, message with the byte offset', () => {
    const error = assertThrows(() => decodeFrame(new Uint8Array([2, 0, 0])));
    checkCoded(error, 'ProtocolError', 'version');
    assert(error instanceof ProtocolError);
    assertEqual(error.offset, 0);
    assertEqual(error.message, 'unknown protocol version 2 (at byte 0)');
    const noOffset = new ProtocolError('state', 'a delta before any snapshot');
    assertEqual([noOffset.offset, noOffset.message], [-1, 'a delta before any snapshot']);
  });

  it('SecureError from openSecureChannel: a secret of the wrong size', async () => {
    const [a, b] = createLoopbackPair();
    let error: unknown;
    try {
      await openSecureChannel(a, { role: 'viewer', secret: new Uint8Array(4) });
      fail('a 4-byte secret was accepted');
    } catch (e) {
      error = e;
    }
    b.close();
    checkCoded(error, 'SecureError', 'handshake');
    assertEqual((error as Error).message, 'the invitation secret must be 16 to 64 bytes');
  });

  it('TransportError from a loopback transport: a send after close', () => {
    const [a] = createLoopbackPair();
    a.close();
    const error = assertThrows(() => a.send(new Uint8Array(1)));
    checkCoded(error, 'TransportError', 'closed');
  });

  it('SignalingError from chat signaling: a send after close', () => {
    const chat = { id: 'me', post: () => {}, onmessage: null };
    const adapter = createChatSignaling(chat);
    adapter.close();
    const error = assertThrows(() => adapter.send('you', { type: 'offer', sdp: 'v=0' }));
    checkCoded(error, 'SignalingError', 'closed');
    assertEqual((error as Error).message, 'signaling is closed');
  });

  it("ReferenceChatError from a server's refusal: code, message and the refused message's type", () => {
    const read = readServerMessage({ type: 'error', code: 'forbidden', message: 'agents only', re: 'accept' });
    if (read?.type !== 'error') return fail(`an error message read as ${JSON.stringify(read)}`);
    checkCoded(read.error, 'ReferenceChatError', 'forbidden');
    assertEqual([read.error.message, read.error.re], ['agents only', 'accept']);
    // a code the client does not know is 'malformed'; the message defaults to the code
    const unknown = readServerMessage({ type: 'error', code: 'teapot' });
    if (unknown?.type !== 'error') return fail('an unknown refusal was dropped');
    checkCoded(unknown.error, 'ReferenceChatError', 'malformed');
    assertEqual([unknown.error.message, unknown.error.re], ['malformed', undefined]);
  });

  it('SessionError: the viewer it is about', () => {
    const error = new SessionError('rate-limited', 'too many', 'peer-1');
    checkCoded(error, 'SessionError', 'rate-limited');
    assertEqual([error.message, error.viewer], ['too many', 'peer-1']);
  });

  it('is thrown and caught as itself: the prototype chain survives throw', () => {
    for (const [name, make] of [
      ['SecureError', () => new SecureError('timeout', 't')],
      ['TransportError', () => new TransportError('link', 'l')],
      ['SignalingError', () => new SignalingError('refused', 'r')],
    ] as const) {
      try {
        throw make();
      } catch (error) {
        checkCoded(error, name, (error as CodedError).code);
      }
    }
  });
});
