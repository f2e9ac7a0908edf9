// Drawing over the page, both ways (issue 16, item 4), at the session level: a viewer's strokes reach
// the customer's page and the other viewers (not back to their author), each viewer in the colour
// the customer's page gave it; the customer's strokes reach every viewer; clearing too. Real
// sessions: two viewers over WebRTC signaled through a chat.
import { createChatSignaling, startSharing, startViewing } from '../src/index.js';
import type { InkStroke, SharingSession, ViewingSession } from '../src/index.js';
import { parseFromSharer, parseFromViewer } from '../src/session/messages.js';
import { afterEach, assert, assertEqual, describe, it } from './helpers/assert.js';
import { chatRoom } from './helpers/chat-room.js';
import { needsWebRTC } from './helpers/engine.js';
import { createSharer, waitFor } from './helpers/harness.js';
import { cleanupSessions, container, open } from './helpers/session-fixture.js';
import { approveEveryViewer } from './helpers/approval.js';

afterEach(cleanupSessions);

async function room(): Promise<{ sharing: SharingSession; agent: ViewingSession; supervisor: ViewingSession }> {
  const join = chatRoom();
  const sharer = await createSharer({ html: '<!doctype html><p style="height:3000px">page</p>' });
  const rtc = { iceServers: [] };
  const sharing = await startSharing({
    approve: approveEveryViewer,
    document: sharer.doc,
    signaling: createChatSignaling(join('customer')),
    rtc,
  });
  open.push(sharing);
  const viewers: ViewingSession[] = [];
  for (const name of ['agent', 'supervisor']) {
    const v = await startViewing({
      container: container(),
      signaling: createChatSignaling(join(name)),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(v);
    await v.connected;
    viewers.push(v);
  }
  await waitFor(() => sharing.viewerList.length === 2, 4000, 'two viewers');
  return { sharing, agent: viewers[0]!, supervisor: viewers[1]! };
}

const stroke = (id: number, end = false, ...points: number[]): InkStroke => ({ id, points, ...(end && { end: true }) });

describe('drawing over the page (session)', () => {
  it('a viewer draws: the page and the other viewer see it in its colour, its author gets no echo; the customer draws for all', async function () {
    needsWebRTC(this);
    const { sharing, agent, supervisor } = await room();
    const onPage: string[] = [];
    sharing.on('ink', (s) => onPage.push(`${s.viewer} ${s.color} ${s.id} ${s.points.join(',')}${s.end ? ' end' : ''}`));
    const seen = { agent: [] as string[], supervisor: [] as string[] };
    agent.on('ink', (s) => seen.agent.push(`${s.by} ${s.color} ${s.id} ${s.points.join(',')}${s.end ? ' end' : ''}`));
    supervisor.on('ink', (s) => seen.supervisor.push(`${s.by} ${s.color} ${s.id} ${s.points.join(',')}${s.end ? ' end' : ''}`));

    agent.ink(stroke(1, false, 10, 20, 30, 40));
    agent.ink(stroke(1, true, 50, 2060)); // page coordinates: below the first screen
    await waitFor(() => onPage.length === 2 && seen.supervisor.length === 2, 4000, 'the stroke on the page and at the supervisor');
    const agentId = sharing.viewerList[0]!.id;
    const color = sharing.inkColor(agentId);
    assert(/^#[0-9a-f]{6}$/.test(color), color);
    assertEqual(onPage, [`${agentId} ${color} 1 10,20,30,40`, `${agentId} ${color} 1 50,2060 end`]);
    assertEqual(seen.supervisor, [`${agentId} ${color} 1 10,20,30,40`, `${agentId} ${color} 1 50,2060 end`]);
    supervisor.ink(stroke(7, true, 1, 2));
    await waitFor(() => onPage.length === 3, 4000, 'the supervisor’s stroke');
    assert(onPage[2]!.split(' ')[1] !== color, 'each viewer its own colour');

    sharing.ink(stroke(3, true, 100, 200, 110, 210));
    await waitFor(
      () => seen.agent.some((s) => s.startsWith('customer')) && seen.supervisor.some((s) => s.startsWith('customer')),
      4000,
      'the customer’s stroke at both',
    );
    assertEqual(
      seen.agent.filter((s) => s.includes(agentId)),
      [],
      'no echo of the agent’s own strokes',
    );

    const cleared: string[] = [];
    sharing.on('inkclear', ({ viewer }) => cleared.push(viewer));
    supervisor.on('inkclear', ({ by }) => cleared.push(`supervisor saw ${by}`));
    agent.clearInk();
    await waitFor(() => cleared.length === 2, 4000, 'the clear on the page and at the supervisor');
    assertEqual(cleared.sort(), [agentId, `supervisor saw ${agentId}`].sort());
  });

  it('a stroke message that is not one is ignored: odd coordinates, too many points, NaN, a bad id', () => {
    const json = (o: object) => new TextEncoder().encode(JSON.stringify(o));
    const parse = (o: object) => parseFromViewer(json(o));
    assertEqual(parse({ t: 'ink', s: 1, p: [1, 2, 3, 4] }), { t: 'ink', s: 1, p: [1, 2, 3, 4] });
    assertEqual(parse({ t: 'ink', s: 1, p: [1, 2, 3] }), null, 'odd');
    assertEqual(parse({ t: 'ink', s: 1, p: new Array(514).fill(1) }), null, 'over 256 points');
    assertEqual(parse({ t: 'ink', s: 1, p: [1, '2'] }), null, 'a string');
    assertEqual(parse({ t: 'ink', s: 1, p: [1, 1e9] }), null, 'beyond any page');
    assertEqual(parse({ t: 'ink', s: -1, p: [1, 2] }), null, 'a negative id');
    assertEqual(parse({ t: 'ink', s: 1.5, p: [1, 2] }), null, 'a fractional id');
    // the sharer's relay names who drew and the colour; a viewer reads only #rrggbb colours
    assertEqual(parseFromSharer(json({ t: 'ink', s: 1, p: [1, 2], by: 'v1', c: '#00ff00' })), {
      t: 'ink',
      s: 1,
      p: [1, 2],
      by: 'v1',
      c: '#00ff00',
    });
    assertEqual(
      parseFromSharer(json({ t: 'ink', s: 1, p: [1, 2], c: 'red; background:url(x)' })),
      { t: 'ink', s: 1, p: [1, 2] },
      'only #rrggbb colours',
    );
    assertEqual(parseFromSharer(json({ t: 'ink', s: 1, p: [1, 2, 3] })), null, 'odd, on the viewer too');
  });
});
