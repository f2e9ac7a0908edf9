// What the reference chat client acts on among the server's messages (server/PROTOCOL.md), message
// by message: the shapes the protocol gives are read, anything else is ignored — a broken or newer
// server must not make the client hand its handlers something else than their types say. The
// client's behaviour against the real server: server/test/reconnect.test.mjs, invitations.test.mjs.
import { readServerMessage, asIceGrant } from '../src/signaling/reference-chat-messages.js';
import { assertEqual, describe, it } from './helpers/assert.js';

const customer = { role: 'customer', name: 'Ann', peer: 'p-customer' };
const agent = { role: 'agent', name: 'Bo', peer: 'p-agent' };
const ice = [{ urls: 'turn:turn.example:3478', username: 'u', credential: 'c' }];

describe('reference chat: the server messages the client acts on', () => {
  it('room events: the seven types, as relayed', () => {
    for (const type of ['text', 'invite', 'accept', 'decline', 'end', 'join', 'leave']) {
      const msg = { type, from: customer, at: 1, id: 7 };
      assertEqual<unknown>(readServerMessage(msg), { type: 'event', event: msg }, type);
    }
  });

  it('a signal for this party: its sender and data', () => {
    assertEqual<unknown>(readServerMessage({ type: 'signal', from: agent, data: 'x' }), { type: 'signal', from: 'p-agent', data: 'x' });
    assertEqual<unknown>(readServerMessage({ type: 'signal', from: agent, data: { sdp: 'v=0' } }), null, 'data not a string');
    assertEqual<unknown>(readServerMessage({ type: 'signal', data: 'x' }), null, 'no sender');
  });

  it('the invitation: only from the customer, with a peer and a secret; its TURN servers when sent', () => {
    const invitation = { type: 'invitation', from: customer, at: 1, invitation: { peer: 'p-customer', secret: 's' } };
    assertEqual<unknown>(readServerMessage(invitation), { type: 'invitation', event: invitation, grant: null });
    const withIce = { ...invitation, iceServers: ice, iceServersExpireAt: 99 };
    assertEqual<unknown>(readServerMessage(withIce), { type: 'invitation', event: withIce, grant: { iceServers: ice, expiresAt: 99 } });
    assertEqual<unknown>(readServerMessage({ ...invitation, from: agent }), null, 'from an agent');
    assertEqual<unknown>(readServerMessage({ ...invitation, invitation: { peer: 'p-customer' } }), null, 'no secret');
    assertEqual<unknown>(readServerMessage({ ...invitation, invitation: { peer: 1, secret: 's' } }), null, 'a peer that is not a string');
  });

  it("a request for the invitation: only an agent's", () => {
    const request = { type: 'request-invitation', from: agent, at: 1 };
    assertEqual<unknown>(readServerMessage(request), { type: 'request', event: request });
    assertEqual<unknown>(readServerMessage({ ...request, from: customer }), null, "a customer's");
  });

  it('TURN servers: a list and an expiry, else nothing', () => {
    assertEqual<unknown>(readServerMessage({ type: 'ice-servers', iceServers: ice, expiresAt: 5 }), {
      type: 'ice',
      grant: { iceServers: ice, expiresAt: 5 },
    });
    assertEqual<unknown>(readServerMessage({ type: 'ice-servers', iceServers: ice }), null, 'no expiry');
    assertEqual<unknown>(readServerMessage({ type: 'ice-servers', iceServers: 'turn:x', expiresAt: 5 }), null, 'not a list');
    assertEqual(asIceGrant(ice, '5'), null, 'an expiry that is not a number');
  });

  it('anything else is ignored: unknown types, no type, not an object', () => {
    for (const msg of [{ type: 'welcome' }, { type: 'share-moved' }, { type: 7 }, {}, null])
      assertEqual(readServerMessage(msg), null, JSON.stringify(msg));
  });
});
