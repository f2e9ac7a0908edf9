// Counting what a fault cost, for test/hardening/faults*.test.mjs (not a test file itself).
//
// Two counts, both from what happened in the pages, none assumed:
//   - marks: the customer makes K distinct changes while the fault is on (an <li data-mark> appended to
//     #fault-marks, each in its own task, so each is its own batch); after the view converges, the marks
//     found in the agent's mirror are counted and must be all K, in order. "Changes lost" = K - found.
//   - frames: every frame the agent's viewer applies is logged (its `frame` event: seq, snapshot or
//     not). Delta seqs run one by one; a snapshot carries the seq of the last delta it includes. So a
//     snapshot whose seq is past the last applied one stands in for the deltas in between: those
//     frames were lost on the way (sent into a dead channel, or never sent to a viewer waiting for a
//     snapshot) and made good by the snapshot.

/** Starts logging the frames the agent's current viewing session applies. */
export async function recordFrames(agent) {
  await agent.evaluate(() => {
    const viewing = window.cobrowseViewing;
    window.__frameLog = [];
    window.__frameLogOf = viewing;
    window.__frameLogFrom = viewing.mirror.seq; // the seq of the last frame applied before the fault
    viewing.on('frame', ({ seq, snapshot }) => window.__frameLog.push([seq, snapshot]));
  });
}

/**
 * The frame log since `recordFrames`, summed up: `applied` deltas, `snapshots`, `lost` deltas never
 * applied (stood in for by a snapshot). Throws if the page replaced its viewing session meanwhile
 * (then the log would be of a session nobody watches).
 */
export async function frameCount(agent) {
  const rec = await agent.evaluate(() =>
    window.__frameLogOf === window.cobrowseViewing ? { log: window.__frameLog, from: window.__frameLogFrom } : null,
  );
  if (!rec) throw new Error('the agent page has another viewing session than the one whose frames were logged');
  return countFrames(rec.log, rec.from);
}

/**
 * @param {[number, boolean][]} log  seq and snapshot-or-not of each frame applied, in order
 * @param {number | null} [from]  the seq of the last frame applied before the log starts
 */
export function countFrames(log, from = null) {
  let last = from;
  let applied = 0,
    snapshots = 0,
    lost = 0;
  for (const [seq, snapshot] of log) {
    if (snapshot) {
      snapshots++;
      if (last !== null && seq > last) lost += seq - last;
    } else {
      applied++;
      // the mirror refuses a delta out of sequence (and asks for a snapshot), so this never counts;
      // it is here so that a viewer that did apply one would show it
      if (last !== null && seq !== last + 1) lost += Math.max(0, seq - last - 1);
    }
    last = seq;
  }
  return { applied, snapshots, lost };
}

/**
 * Makes `k` marks on the customer page, one per task `gapMs` apart (resolves when all are made).
 * Returns their labels.
 */
export async function makeMarks(customer, prefix, k = 10, gapMs = 5) {
  await customer.evaluate(
    async ([prefix, k, gapMs]) => {
      let list = document.getElementById('fault-marks');
      if (!list) {
        list = document.createElement('ol');
        list.id = 'fault-marks';
        document.body.append(list);
      }
      for (let i = 0; i < k; i++) {
        const li = document.createElement('li');
        li.dataset.mark = `${prefix}-${i}`;
        li.textContent = `${prefix} mark ${i}`;
        list.append(li);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    },
    [prefix, k, gapMs],
  );
  return Array.from({ length: k }, (_, i) => `${prefix}-${i}`);
}

/** The marks with this prefix found in the agent's mirror, in document order. */
export async function marksInMirror(agent, prefix) {
  return agent.evaluate(
    (prefix) =>
      [...window.cobrowseViewing.mirror.document.querySelectorAll('#fault-marks li[data-mark]')]
        .map((li) => li.dataset.mark)
        .filter((m) => m.startsWith(`${prefix}-`)),
    prefix,
  );
}
