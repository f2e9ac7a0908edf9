// Sharer page of bench/wire.mjs: our session over a real RTCDataChannel, signaled through a "chat"
// that playwright relays between the two pages. Every byte the page hands to a data channel is
// counted (RTCDataChannel.prototype.send is wrapped before anything else runs).
import { createChatSignaling, startSharing } from 'cobrowse-rtc';
import { makeWorkloads, settle } from './wire-workloads.js';

const enc = new TextEncoder();
const counter = { phase: 'handshake', sends: 0, bytes: {}, msgs: {}, lastAt: 0, firstKind: null };
const realSend = RTCDataChannel.prototype.send;
RTCDataChannel.prototype.send = function send(data) {
  const n = typeof data === 'string' ? enc.encode(data).length : data instanceof Blob ? data.size : data.byteLength;
  if (counter.sends === 0 && typeof data !== 'string') {
    const b = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 3) : new Uint8Array(data, 0, 3);
    counter.firstKind = [...b].map((x) => x.toString(16).padStart(2, '0')).join(' '); // 00 43 42: WHOLE + 'CB' (KEY)
  }
  counter.bytes[counter.phase] = (counter.bytes[counter.phase] || 0) + n;
  counter.msgs[counter.phase] = (counter.msgs[counter.phase] || 0) + 1;
  // the sharer's first two sends are the handshake: KEY (plaintext) and the sealed CONFIRM record
  if (++counter.sends === 2 && counter.phase === 'handshake') counter.phase = 'snapshot';
  counter.lastAt = performance.now();
  return realSend.call(this, data);
};

const errors = [];
addEventListener('error', (e) => errors.push(String(e.error?.stack || e.message)));
addEventListener('unhandledrejection', (e) => errors.push(String(e.reason?.stack || e.reason)));

let W = null;
let session = null;
window.__chat = { id: 'sharer', post: (text) => window.__relay(text), onmessage: null };
window.__wire = {
  async setup(name, params) {
    W = makeWorkloads(params)[name];
    if (!W) throw new Error(`unknown workload ${name}`);
    await W.setup?.();
  },
  async share() {
    // the bench approves its one viewer itself: it measures the wire, not the customer's answer
    session = await startSharing({ signaling: createChatSignaling(window.__chat), rtc: { iceServers: [] }, approve: async () => true });
    session.on('error', (e) => errors.push(`session: ${e?.code ?? ''} ${e?.message ?? e}`));
    return session.invitation;
  },
  /** After the viewer shows the snapshot: wait until nothing more is sent, then count the workload. */
  async mark() {
    await settle(() => counter.lastAt, 300);
    counter.phase = 'workload';
  },
  async run() {
    const t0 = performance.now();
    const written = await W.run();
    const runMs = performance.now() - t0;
    await settle(() => counter.lastAt, 400);
    const fingerprint = {
      elements: document.body.getElementsByTagName('*').length,
      text: document.body.textContent.length,
      classed: document.body.querySelectorAll('[class]').length,
    };
    return {
      written: written ?? null,
      runMs,
      fingerprint,
      firstKind: counter.firstKind,
      bytes: { ...counter.bytes },
      msgs: { ...counter.msgs },
      errors,
    };
  },
  now: () => performance.timeOrigin + performance.now(),
  stop: () => session?.stop(),
};
