// Viewer page of bench/wire.mjs: startViewing over the relayed chat; after each applied frame, reads
// the probe's timestamp from the mirror and records (timeOrigin + now) - stamp, once per stamp.
import { createChatSignaling, startViewing } from 'cobrowse-rtc';

const errors = [];
addEventListener('error', (e) => errors.push(String(e.error?.stack || e.message)));
addEventListener('unhandledrejection', (e) => errors.push(String(e.reason?.stack || e.reason)));

const readers = {
  attr: (doc) => doc.getElementById('probe')?.getAttribute('data-t'),
  value: (doc) => {
    const v = doc.getElementById('typing')?.value ?? '';
    const i = v.lastIndexOf('|');
    return i < 0 ? null : v.slice(i + 1);
  },
  subtree: (doc) => doc.getElementById('subtrees')?.lastElementChild?.getAttribute('data-t'),
};

let viewing = null;
let read = null;
let recording = false;
const seen = new Map(); // stamp -> latency ms
const state = { frames: 0, lastAt: 0 };

window.__chat = { id: 'viewer', post: (text) => window.__relay(text), onmessage: null };
window.__view = {
  async start(invitation, probe) {
    read = probe ? readers[probe] : null;
    viewing = await startViewing({
      container: document.getElementById('view'),
      signaling: createChatSignaling(window.__chat),
      invitation,
      rtc: { iceServers: [] },
    });
    viewing.on('error', (e) => errors.push(`session: ${e?.code ?? ''} ${e?.message ?? e}`));
    viewing.on('frame', () => {
      const now = performance.timeOrigin + performance.now(); // first: the frame was just applied
      state.frames++;
      state.lastAt = performance.now();
      if (!recording || !read) return;
      const s = read(viewing.mirror.document);
      if (!s || seen.has(s)) return;
      const t = Number(s);
      if (t > 0) seen.set(s, now - t);
    });
    await viewing.connected;
  },
  record() {
    recording = true;
    state.frames = 0;
  },
  lastAt: () => performance.now() - state.lastAt, // ms since the last frame
  result: () => {
    const body = viewing.mirror.document.body;
    const fingerprint = body
      ? { elements: body.getElementsByTagName('*').length, text: body.textContent.length, classed: body.querySelectorAll('[class]').length }
      : null;
    return { latencies: [...seen.values()], frames: state.frames, fingerprint, errors };
  },
  now: () => performance.timeOrigin + performance.now(),
  stop: () => viewing?.stop(),
};
