// In-page part of bench/compression.mjs: runs a realistic workload under our capture and records
// every frame, as the secure channel would receive them. One workload per fresh page.
import { capture } from '../../src/capture/index.ts';
import { nextTask, workloads } from './workloads.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const FORM_HTML = `<main class="checkout"><h1>Contact us</h1>
<form class="contact"><label>Name <input name="name" autocomplete="name"></label>
<label>Email <input name="email" type="email"></label>
<label>Message <textarea name="message" rows="4"></textarea></label>
<p class="preview">Preview: <span class="live"></span></p><p class="counter">0 / 500</p>
<button type="submit" class="btn btn-primary">Send</button></form></main>`;

const SENTENCE = 'Hello, my order #48213 has not arrived yet and the tracking page says it is still in transit. ';

const local = {
  /** A person typing 200 characters into a textarea, with a live preview and a counter (one task per key). */
  typing: {
    setup() {
      document.body.innerHTML = FORM_HTML;
      const ta = document.querySelector('textarea');
      ta.addEventListener('input', () => {
        document.querySelector('.live').textContent = ta.value.slice(-60);
        document.querySelector('.counter').textContent = `${ta.value.length} / 500`;
      });
    },
    async run() {
      const ta = document.querySelector('textarea');
      ta.focus();
      for (let i = 0; i < 200; i++) {
        ta.value += SENTENCE[i % SENTENCE.length];
        ta.dispatchEvent(new Event('input', { bubbles: true }));
        await sleep(2);
      }
    },
  },
  /** Tabs and a carousel: classes and aria attributes toggled on a few elements, 200 times. */
  attributes: {
    setup() {
      const tabs = Array.from(
        { length: 8 },
        (_, i) => `<button role="tab" class="tab" aria-selected="false" data-index="${i}">Tab ${i}</button>`,
      ).join('');
      const slides = Array.from(
        { length: 12 },
        (_, i) => `<li class="slide" style="transform: translateX(${i * 100}%)"><img alt="Product ${i}" src="/img/p${i}.jpg"></li>`,
      ).join('');
      document.body.innerHTML = `<nav class="tabs">${tabs}</nav><ul class="carousel">${slides}</ul>`;
    },
    async run() {
      const tabs = [...document.querySelectorAll('.tab')];
      const slides = [...document.querySelectorAll('.slide')];
      for (let i = 0; i < 200; i++) {
        tabs.forEach((t, j) => {
          t.classList.toggle('active', j === i % 8);
          t.setAttribute('aria-selected', String(j === i % 8));
        });
        slides.forEach((s, j) => {
          s.style.transform = `translateX(${(j - (i % 12)) * 100}%)`;
        });
        await nextTask();
      }
    },
  },
  /** Scrolling a long article 200 times, one step per animation frame. */
  scroll: {
    setup() {
      document.body.innerHTML = Array.from({ length: 200 }, (_, i) => `<p class="para">Paragraph ${i}: ${SENTENCE.repeat(3)}</p>`).join('');
    },
    async run() {
      for (let i = 0; i < 200; i++) {
        window.scrollTo(0, i * 37);
        await frame();
      }
    },
  },
  todo: workloads.todo,
  'snapshot-10k': workloads['snapshot-10k'],
};

window.__compression = {
  names: Object.keys(local),
  async run(name) {
    const W = local[name];
    await W.setup();
    await frame();
    const frames = [];
    const handle = capture(document, { onFrame: (f) => frames.push(f.slice()) });
    if (W.run) await W.run();
    for (let i = 0; i < 5; i++) await frame();
    await sleep(50);
    handle.stop();
    // base64 for the trip to Node
    return frames.map((f) => {
      let s = '';
      for (let i = 0; i < f.length; i += 0x8000) s += String.fromCharCode(...f.subarray(i, i + 0x8000));
      return btoa(s);
    });
  },
};
