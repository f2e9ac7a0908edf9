// rrweb's recorder with default options (the reference). Events are kept as emitted (no copy).
import { record } from 'rrweb';

const enc = new TextEncoder();
window.__engine = {
  name: 'rrweb',
  start(doc, onEmit) {
    // record() snapshots the document it runs in; `doc` is always that document here.
    const stop = record({ emit: onEmit });
    return () => stop?.();
  },
  isSnapshot: (e) => e.type === 2, // EventType.FullSnapshot
  whole: (events) => enc.encode(JSON.stringify(events)),
  each: (events) => events.map((e) => enc.encode(JSON.stringify(e))),
  analyze(all, from) {
    const byType = {};
    for (const e of all.slice(from)) {
      const k = e.type === 3 ? `3.${e.data.source}` : String(e.type);
      byType[k] = (byType[k] || 0) + 1;
    }
    return { byType };
  },
};
