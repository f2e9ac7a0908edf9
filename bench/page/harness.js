// In-page bench runner. One page = one engine x one workload x one run; run.mjs drives it.
// The engine bundle (engine-ours.js / engine-rrweb.js / engine-none.js) sets window.__engine:
//   { name, start(doc, onEmit) -> stop(), isSnapshot(msg) -> bool, whole(msgs) -> Uint8Array,
//     each(msgs) -> Uint8Array[], analyze?(allMsgs, fromIndex) -> object }
import { deflateSync } from 'fflate';
import { watchStalls } from './stalls.js';
import { countNodes, nextTask, workloads } from './workloads.js';

const now = () => performance.now();
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));

const pageErrors = (window.__benchErrors = []); // engines push their onError reports here too
addEventListener('error', (e) => pageErrors.push(String(e.error?.stack || e.message)));
addEventListener('unhandledrejection', (e) => pageErrors.push(String(e.reason?.stack || e.reason)));

const log = []; // every emitted message of this page: { t, msg }
let onEmitHook = null;
function onEmit(msg) {
  const t = now(); // first thing: the time the engine handed this message over
  log.push({ t, msg });
  onEmitHook?.(msg);
}

/**
 * Waits until the engine has gone quiet: no new message for `quietMs` and at least `frames`
 * animation frames (so engines flushing per task, per microtask, per frame or when idle all get
 * their chance). Not part of any timed window: windows end at the last message's own timestamp.
 */
async function settle(quietMs = 60, frames = 3, capMs = 60_000) {
  const t0 = now();
  let seen = log.length;
  let since = now();
  let quietFrames = 0;
  while (now() - t0 < capMs) {
    await frame();
    await nextTask();
    if (log.length !== seen) {
      seen = log.length;
      since = now();
      quietFrames = 0;
    } else if (++quietFrames >= frames && now() - since >= quietMs) return;
  }
  throw new Error(`engine did not go quiet within ${capMs} ms`);
}

const sum = (a) => a.reduce((s, x) => s + x, 0);

/**
 * Watches the main thread while the engine works: the longest stall (stalls.js) and the browser's
 * `longtask` entries (tasks of 50 ms or more).
 */
function watchMainThread() {
  const stalls = watchStalls();
  const long = [];
  const from = now();
  // only tasks that ended in the window (the setup's own long task may be reported late)
  const note = (entries) => long.push(...entries.filter((e) => e.startTime + e.duration >= from).map((e) => e.duration));
  const observer = new PerformanceObserver((list) => note(list.getEntries()));
  observer.observe({ type: 'longtask' });
  return () => {
    const longest = stalls();
    note(observer.takeRecords());
    observer.disconnect();
    return { longestTaskMs: longest, longTasks: long.length, longTaskMaxMs: Math.max(0, ...long) };
  };
}

window.__bench = {
  async run(name) {
    const W = workloads[name];
    const engine = window.__engine;
    if (!W) throw new Error(`unknown workload ${name}`);
    const out = { workload: name, engine: engine?.name ?? '?', error: null };
    let stop = null;
    try {
      if (!engine) throw new Error(window.__engineError || 'engine bundle did not load');
      if (engine.loadError) throw new Error(engine.loadError);
      await W.setup?.();
      out.pageNodes = countNodes(document);
      await frame();
      await nextTask();
      window.gc?.();
      let from; // index in `log` where this workload's output starts
      let t0;
      let tEnd;
      if (W.snapshot) {
        // window: engine start -> the message that completes the full snapshot
        let snapAt = null;
        onEmitHook = (msg) => {
          if (snapAt === null && engine.isSnapshot(msg)) snapAt = log.length - 1;
        };
        from = 0;
        await window.__benchBeforeWindow?.();
        await nextTask(); // not in the same task as the gc() above: that task is not the engine's
        const watching = watchMainThread();
        t0 = now();
        stop = engine.start(document, onEmit);
        // a snapshot written in slices comes after several quiet tasks: wait for it, then for quiet
        for (const until = now() + 60_000; snapAt === null && now() < until;) await nextTask();
        await settle();
        onEmitHook = null;
        Object.assign(out, watching());
        if (engine.name === 'none') tEnd = t0;
        else if (snapAt === null) throw new Error(`no snapshot among ${log.length} messages`);
        else tEnd = log[snapAt].t;
        // bytes: everything emitted from start until quiet (rrweb: Meta + FullSnapshot)
      } else {
        stop = engine.start(document, onEmit);
        await settle();
        out.snapshotMessages = log.length;
        window.gc?.();
        await nextTask();
        from = log.length;
        await window.__benchBeforeWindow?.(); // bench/profile.mjs starts the CPU profiler here
        t0 = now();
        // a sync workload's end is taken before the engine's microtasks (MutationObserver) run
        const ret = W.run();
        let tRun = now();
        // diagnostic: when does the next task start? (posted before any engine's flush task; a gap
        // here is the browser's own work, e.g. a rendering update, between the workload and the
        // next task)
        const hop = new Promise((resolve) => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve(now());
          ch.port2.postMessage(0);
        });
        const isAsync = !!(ret && typeof ret.then === 'function');
        if (isAsync) {
          await ret;
          tRun = now();
        }
        await settle();
        // window: workload start -> the later of "workload returned" and "last message emitted"
        tEnd = Math.max(tRun, log.length > from ? log[log.length - 1].t : tRun);
        out.workloadMs = tRun - t0;
        const hopT = await hop;
        out.nextTaskMs = isAsync ? null : hopT - tRun;
        // the same window without the browser's own work between the workload's task and the next
        // task: subtracted only when the engine emitted after that task (so that gap delayed it)
        const lastT = log.length > from ? log[log.length - 1].t : tRun;
        out.exGapMs = !isAsync && lastT > hopT ? tEnd - t0 - (hopT - tRun) : tEnd - t0;
        if (engine.name !== 'none' && log.length === from) throw new Error('engine emitted nothing for the workload');
      }
      out.ms = tEnd - t0;
      if (pageErrors.length) throw new Error(`uncaught in page: ${pageErrors[0]}`);

      // ---- bytes (outside the timed window)
      const msgs = log.slice(from).map((e) => e.msg);
      out.messages = msgs.length;
      const t1 = now();
      const whole = engine.whole(msgs);
      out.serializeMs = now() - t1; // rrweb: JSON.stringify + UTF-8 of the events; ours: concatenation
      out.raw = whole.byteLength;
      out.gz = deflateSync(whole, { level: 6 }).byteLength;
      const each = engine.each(msgs);
      out.gzEach = sum(each.map((m) => deflateSync(m, { level: 6 }).byteLength));
      out.largest = Math.max(0, ...each.map((m) => m.byteLength));
      if (engine.analyze)
        out.analysis = engine.analyze(
          log.map((e) => e.msg),
          from,
        );
    } catch (e) {
      out.error = String(e?.stack || e);
    } finally {
      try {
        stop?.();
      } catch (e) {
        out.stopError = String(e);
      }
    }
    return out;
  },
};
