// In-page driver for the framework apps: registers the todo script as the harness workload `app`
// (same harness, same timed window as bench/run.mjs: see bench/README.md), and records long tasks.
// Built once per app by bench/frameworks.mjs, with `mount` from apps/<name>.
//
// User input is produced as a user's would be, each action its own task: a keystroke is keydown,
// then `document.execCommand('insertText')` on the focused field (a trusted `beforeinput`/`input`
// and a native value change, no JS value setter, as real typing), then keyup; a click is
// pointerdown/mousedown/pointerup/mouseup then `click()` (for a checkbox that toggles it and fires
// input/change). After each action the driver waits until the app has rendered (`app.idle()`:
// Angular renders in a later task, the others in microtasks) and then for the next task.
import { nextTask, workloads } from '../page/workloads.js';
import '../page/harness.js';
import { CSS } from './shared.js';

export const ITEMS = 40;
const EDITS = [0, 5, 10, 15, 20, 25, 30, 35];
const WORDS = ['buy milk', 'call Alice', 'review PR', 'fix the build', 'water plants', 'book flights', 'pay rent', 'plan sprint'];
const title = (i) => `Item ${i + 1} ${WORDS[i % WORDS.length]}`;

// ------------------------------------------------------------------ long tasks, action spans
const longTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // no longtask support: the stats say so (null)
}
const marks = { setupEnd: 0, runStart: 0, runEnd: 0, spans: [] };
const longest = (from, to) => Math.max(0, ...longTasks.filter((t) => t.start >= from && t.start < to).map((t) => t.ms));
window.__fwStats = () => ({
  longTaskSupported: PerformanceObserver.supportedEntryTypes?.includes('longtask') ?? false,
  // tasks >= 50 ms from the timed window's start (start relative to it; frameworks.mjs keeps those
  // inside the window) / between setup and the window (the engine's start and its snapshot)
  longTasks: longTasks.filter((t) => t.start >= marks.runStart).map((t) => ({ start: t.start - marks.runStart, ms: t.ms })),
  longestStartTaskMs: longest(marks.setupEnd, marks.runStart),
  // an action's start -> the next action's start: the action, the app's render, anything the engine
  // ran in between (its flush task), and one task hop
  slowestActionMs: Math.max(0, ...marks.spans),
  actions: marks.spans.length,
});

// ------------------------------------------------------------------ user input
const keyOpts = (key) => ({ key, bubbles: true, cancelable: true, composed: true });
function keystroke(el, ch) {
  el.dispatchEvent(new KeyboardEvent('keydown', keyOpts(ch)));
  document.execCommand('insertText', false, ch);
  el.dispatchEvent(new KeyboardEvent('keyup', keyOpts(ch)));
}
function enter(el) {
  el.dispatchEvent(new KeyboardEvent('keydown', keyOpts('Enter')));
  el.dispatchEvent(new KeyboardEvent('keyup', keyOpts('Enter')));
}
function click(el, detail = 1) {
  const o = { bubbles: true, cancelable: true, composed: true, detail, button: 0 };
  el.dispatchEvent(new PointerEvent('pointerdown', o));
  el.dispatchEvent(new MouseEvent('mousedown', o));
  el.dispatchEvent(new PointerEvent('pointerup', o));
  el.dispatchEvent(new MouseEvent('mouseup', o));
  el.click();
}
function dblclick(el) {
  click(el, 1);
  click(el, 2);
  el.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, cancelable: true, composed: true, detail: 2 }));
}

function check(ok, what) {
  if (!ok) throw new Error(`app state wrong: ${what}`);
}

// ------------------------------------------------------------------ the script
async function script(app) {
  const q = (s) => app.root.querySelector(s);
  const qa = (s) => [...app.root.querySelectorAll(s)];
  let last = performance.now();
  const act = async (fn) => {
    fn();
    await app.idle();
    await nextTask();
    const t = performance.now();
    marks.spans.push(t - last);
    last = t;
  };
  const type = async (sel, text) => {
    for (const ch of text) await act(() => keystroke(q(sel), ch));
  };

  for (let i = 0; i < ITEMS; i++) {
    q('.new-todo').focus();
    await type('.new-todo', title(i));
    await act(() => enter(q('.new-todo')));
  }
  check(qa('.todo-list li').length === ITEMS && q('.new-todo').value === '', 'after adding');
  check(
    qa('.todo-list label').every((l, i) => l.textContent === title(i)),
    'titles',
  );

  for (const i of EDITS) {
    await act(() => dblclick(qa('.todo-list label')[i]));
    const edit = q('.todo-list .edit');
    edit.focus();
    edit.setSelectionRange(edit.value.length, edit.value.length);
    await type('.todo-list .edit', ' (edited)');
    await act(() => enter(q('.todo-list .edit')));
  }
  check(
    !q('.todo-list .edit') && qa('.todo-list label').filter((l) => l.textContent.endsWith(' (edited)')).length === EDITS.length,
    'after editing',
  );

  for (let i = 0; i < ITEMS; i += 2) await act(() => click(qa('.todo-list .toggle')[i]));
  check(
    q('.todo-count strong').textContent === String(ITEMS / 2) && qa('.todo-list li.completed').length === ITEMS / 2,
    'after completing',
  );

  for (const f of ['active', 'completed', 'all', 'active', 'all']) await act(() => click(q(`.filters [data-filter="${f}"]`)));
  check(qa('.todo-list li').length === ITEMS && q('.filters .selected')?.dataset.filter === 'all', 'after filtering');

  await act(() => click(q('.clear-completed')));
  check(qa('.todo-list li').length === ITEMS / 2, 'after clearing completed');
  while (q('.todo-list .destroy')) await act(() => click(q('.todo-list .destroy')));
  check(q('.todo-count strong').textContent === '0', 'after deleting');
}

/** `mount(container)` -> Promise<{ root: the node to query (document or a shadow root), idle(): Promise }> */
export function register(mount) {
  let app;
  workloads.app = {
    title: 'todo app: add 40 (typed), edit 8, complete 20, filter 5x, clear completed, delete 20',
    async setup() {
      document.head.insertAdjacentHTML('beforeend', `<style>${CSS}</style>`);
      document.body.innerHTML = '<div id="root"></div>';
      app = await mount(document.getElementById('root'));
      await app.idle();
      marks.setupEnd = performance.now();
    },
    async run() {
      marks.runStart = performance.now();
      await script(app);
      // two task hops, so an engine that flushes a task after the last action has flushed, then the
      // renderer's CPU time is read (frameworks.mjs, over CDP; the same round trip for every engine)
      await nextTask();
      await nextTask();
      await window.__fwCpuMark?.('end');
      marks.runEnd = performance.now();
    },
  };
}
