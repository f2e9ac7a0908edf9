// The demo's page script: captures the customer's iframe and mirrors it in the agent's pane.
// In a real deployment the frames travel over a WebRTC data channel; here onFrame hands them
// straight to mirror.apply, in the same tab.
import { capture, Mirror } from '/dist/cdn/cobrowse-rtc.js';

/** What the demo masks on top of the defaults (passwords, card fields, data-cobrowse-* marks). */
const MASK = {
  text: ['#address'], // the delivery address; its data-cobrowse-unmask line stays readable
  inputs: 'sensitive', // the default, spelled out: other fields are shown
};

const $ = (id) => document.getElementById(id);
const customer = /** @type {HTMLIFrameElement} */ ($('customer'));
const view = $('agent-view');
const toggle = $('toggle');

const mirror = new Mirror(view, { scale: 'fit', cursor: true, onError: (e) => mirrorError(e) });
/** The live capture, or null when stopped. */
let handle = null;
/** The user pressed Stop: a reload of the customer's page does not restart the capture. */
let stoppedByUser = false;

const stats = { frames: 0, bytes: 0, last: 0, snapshot: 0, snapshots: 0, errors: 0 };
/** [time, bytes] of recent frames, for the rate. */
const recent = [];

function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

let paintQueued = false;
function paintStats() {
  if (paintQueued) return;
  paintQueued = true;
  requestAnimationFrame(() => {
    paintQueued = false;
    $('frames').textContent = stats.frames.toLocaleString();
    $('bytes').textContent = fmtBytes(stats.bytes);
    $('last').textContent = stats.frames ? fmtBytes(stats.last) : '–';
    $('snapshot').textContent = stats.snapshots ? fmtBytes(stats.snapshot) : '–';
    $('snapshots').textContent = String(stats.snapshots);
    $('seq').textContent = handle ? String(handle.seq) : mirror.seq >= 0 ? String(mirror.seq) : '–';
    $('errors').textContent = String(stats.errors);
    $('errors').style.color = stats.errors ? '#a3261b' : '';
    paintRate();
  });
}
function paintRate() {
  const now = performance.now();
  while (recent.length && now - recent[0][0] > 5000) recent.shift();
  const sum = recent.reduce((s, [, b]) => s + b, 0);
  $('rate').textContent = `${fmtBytes(Math.round(sum / 5))}/s`;
}
setInterval(paintStats, 1000); // the rate decays even when nothing happens

function showError(message) {
  const el = $('error');
  el.hidden = !message;
  el.textContent = message ?? '';
}

// ---- frames: capture -> mirror ----------------------------------------------------------------------
let resyncTimer = 0;
let resyncDelay = 250;
let lastErrorAt = 0;
/**
 * The mirror could not apply a frame: count it, show it, and ask the capture for a fresh snapshot
 * (what a real viewer does over the wire). Backs off while snapshots keep failing.
 */
function mirrorError(err) {
  stats.errors++;
  const message = err && err.message ? err.message : String(err);
  if (performance.now() - lastErrorAt > 1000) console.error('[demo] mirror:', err);
  lastErrorAt = performance.now();
  showError(`The mirror could not apply a frame: ${message} — asking for a resync (retry in ${resyncDelay / 1000} s).`);
  if (resyncTimer || !handle) return;
  // not from inside onFrame: resync() emits a frame synchronously
  resyncTimer = setTimeout(() => {
    resyncTimer = 0;
    handle?.resync();
  }, resyncDelay);
  resyncDelay = Math.min(resyncDelay * 2, 8000);
}

function onFrame(frame) {
  const isSnapshot = frame[1] === 0; // SPEC.md: version:u8 kind:u8 (0 = SNAPSHOT, 1 = DELTA)
  stats.frames++;
  stats.bytes += frame.byteLength;
  stats.last = frame.byteLength;
  recent.push([performance.now(), frame.byteLength]);
  if (isSnapshot) {
    stats.snapshots++;
    stats.snapshot = frame.byteLength;
  }
  try {
    // deltas cannot apply until a snapshot did: don't report each one
    if (!isSnapshot && mirror.seq < 0 && resyncTimer) return paintStats();
    mirror.apply(frame);
    if (mirror.needsSnapshot) mirrorError(new Error('a frame did not apply cleanly'));
    else if (isSnapshot) {
      resyncDelay = 250;
      showError(null);
    }
  } catch (e) {
    mirrorError(e);
  }
  paintStats();
}

// ---- start / stop ---------------------------------------------------------------------------------
function start() {
  const doc = customer.contentDocument;
  if (!doc) return showError('The customer frame has no document (is it same-origin?).');
  stop();
  try {
    handle = capture(doc, { onFrame, mask: MASK, onError: (e) => console.error('[demo] capture:', e) });
  } catch (e) {
    console.error(e);
    showError(`capture() failed: ${e && e.message ? e.message : e}`);
    handle = null;
  }
  render();
}

function stop() {
  if (!handle) return;
  handle.stop();
  handle = null;
  render();
}

function render() {
  const live = !!handle;
  toggle.textContent = live ? 'Stop' : 'Start';
  toggle.classList.toggle('start', !live);
  $('resync').disabled = !live;
  $('live-dot').classList.toggle('live', live);
  view.classList.toggle('stopped', !live && mirror.seq >= 0);
  $('state').textContent = live ? 'live — mirror of the frames, in a sandboxed iframe' : 'stopped';
  paintStats();
}

toggle.addEventListener('click', () => {
  if (handle) {
    stoppedByUser = true;
    stop();
  } else {
    stoppedByUser = false;
    showError(null);
    start();
  }
});
$('resync').addEventListener('click', () => handle?.resync());
$('reload').addEventListener('click', () => {
  stop(); // the old document is going away
  customer.contentWindow?.location.reload();
});

// The customer's page loads (first time, reload, or a link): capture the new document.
customer.addEventListener('load', () => {
  // a capture of the previous document, if any, has nothing left to observe
  try {
    handle?.stop();
  } catch {
    /* the demo's previous capture may already be gone with its frame */
  }
  handle = null;
  if (!stoppedByUser) start();
});
// The iframe may have finished loading before this module ran.
const doc = customer.contentDocument;
if (doc && doc.readyState === 'complete' && doc.URL !== 'about:blank') start();
else render();

// for poking around in the console
Object.assign(window, {
  demo: {
    get capture() {
      return handle;
    },
    get mirror() {
      return mirror;
    },
    stats,
  },
});
