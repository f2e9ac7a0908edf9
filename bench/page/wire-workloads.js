// Workloads of bench/wire.mjs, shared by the sharer page (ours, over a real data channel) and the
// rrweb page (rrweb records the same thing; its events are turned into wire bytes in Node).
//
// Latency workloads write a timestamp (`performance.timeOrigin + performance.now()`, ms) where the
// viewer can read it from its mirror after each applied frame; `probe` says where:
//   attr     #probe's data-t attribute          value    #typing's .value, after the last '|'
//   subtree  #subtrees' last child's data-t
// The bench workloads of bench/page/workloads.js are used as they are, for bytes only.
import { nextTask, workloads as benchWorkloads } from './workloads.js';

export const stamp = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut ' +
  'labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco'
).split(' ');

/** A small app page (~650 nodes) with the three probes. */
function basePage() {
  const rows = [];
  for (let i = 0; i < 60; i++) {
    rows.push(
      `<li class="item" data-id="${i}"><span class="name">${WORDS[i % WORDS.length]} ${WORDS[(i * 5) % WORDS.length]}</span>` +
        ` <b class="price">${(i * 1.37).toFixed(2)}</b> <button type="button">add</button></li>`,
    );
  }
  document.body.innerHTML =
    `<header><h1>Shop</h1><nav><a href="#a">Home</a> <a href="#b">Cart</a></nav></header>` +
    `<main><div id="probe" data-t="0">tick 0</div>` +
    `<form><label>Message <input id="typing" type="text" autocomplete="off"></label></form>` +
    `<ul class="list">${rows.join('')}</ul><div id="subtrees"></div></main>`;
}

/** One ~200-node subtree: a heading and 32 rows of (li > span > text, text, em > text); the words
 * and numbers change with `n`, so no two subtrees are the same (DEFLATE would otherwise find each
 * whole one in its window). */
function subtree(t, n) {
  const root = document.createElement('section');
  root.setAttribute('data-t', t.toFixed(3));
  const h = document.createElement('h2');
  h.textContent = `Results ${n}`;
  root.appendChild(h);
  const ul = document.createElement('ul');
  for (let i = 0; i < 32; i++) {
    const li = document.createElement('li');
    li.className = 'row';
    const span = document.createElement('span');
    span.textContent = WORDS[(i * 3 + n * 5) % WORDS.length];
    li.appendChild(span);
    li.appendChild(document.createTextNode(` ${WORDS[(i * 7 + n * 11) % WORDS.length]} #${n * 32 + i}`));
    const em = document.createElement('em');
    em.textContent = ((n * 977 + i * 131) % 10007).toFixed(0);
    li.appendChild(em);
    ul.appendChild(li);
  }
  root.appendChild(ul);
  return root; // 1 + 2 + 1 + 32 * 6 = 196 nodes
}

function tick(probe, i) {
  const t = stamp();
  probe.setAttribute('data-t', t.toFixed(3));
  probe.textContent = `tick ${i}`;
}

export function makeWorkloads(params = {}) {
  const { steadyN = 300, steadyHz = 20, burstN = 300, typingN = 300, typingMs = 30, subtreeN = 40, subtreeMs = 100 } = params;
  const wl = {
    steady: {
      latency: true,
      probe: 'attr',
      title: `${steadyN} mutations (attribute + text) at ${steadyHz} Hz`,
      setup: basePage,
      async run() {
        const probe = document.getElementById('probe');
        const start = performance.now();
        for (let i = 1; i <= steadyN; i++) {
          tick(probe, i);
          const next = start + (i * 1000) / steadyHz; // no drift
          await sleep(Math.max(0, next - performance.now()));
        }
        return steadyN;
      },
    },
    burst: {
      latency: true,
      probe: 'attr',
      title: `${burstN} mutations, each in its own task, back to back (MessageChannel)`,
      setup: basePage,
      async run() {
        const probe = document.getElementById('probe');
        for (let i = 1; i <= burstN; i++) {
          tick(probe, i);
          await nextTask();
        }
        return burstN;
      },
    },
    typing: {
      latency: true,
      probe: 'value',
      title: `${typingN} keystrokes every ${typingMs} ms (input .value + input event)`,
      setup: basePage,
      async run() {
        const input = document.getElementById('typing');
        input.focus();
        const text = 'Hello, I cannot find the checkout button on this page, where is it? ';
        const start = performance.now();
        for (let i = 1; i <= typingN; i++) {
          const typed = text.slice(0, i % text.length);
          input.value = `${typed}|${stamp().toFixed(3)}`;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await sleep(Math.max(0, start + i * typingMs - performance.now()));
        }
        return typingN;
      },
    },
    subtree: {
      latency: true,
      probe: 'subtree',
      title: `insert a ~200-node subtree every ${subtreeMs} ms (${subtreeN} times; the oldest beyond 5 removed)`,
      setup: basePage,
      async run() {
        const box = document.getElementById('subtrees');
        const start = performance.now();
        for (let i = 1; i <= subtreeN; i++) {
          box.appendChild(subtree(stamp(), i));
          if (box.childElementCount > 5) box.firstElementChild.remove();
          await sleep(Math.max(0, start + i * subtreeMs - performance.now()));
        }
        return subtreeN;
      },
    },
  };
  for (const name of ['todo', 'attributes', 'create-1000x10', 'add-remove', 'descendant-add', 'add-move']) {
    const W = benchWorkloads[name];
    wl[name] = { latency: false, probe: null, title: W.title, setup: W.setup, run: W.run };
  }
  return wl;
}

/** Waits until `lastAt()` (a performance.now() time) is `quietMs` old. */
export async function settle(lastAt, quietMs = 250, capMs = 60_000) {
  const t0 = performance.now();
  while (performance.now() - t0 < capMs) {
    await sleep(25);
    await nextTask();
    if (performance.now() - lastAt() >= quietMs) return;
  }
  throw new Error(`did not go quiet within ${capMs} ms`);
}
