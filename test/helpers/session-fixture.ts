// What the session tests open and must close after each test, in one place: sessions to stop,
// channels and adapters to close, and the boxes their mirrors live in. `cleanupSessions` also
// clears sessionStorage (a sharer keeps its resumption state there) and the harness's pages.
import { cleanup } from './harness.js';

/** Sessions started by the test (`stop()` after it). */
export const open: { stop(): void }[] = [];
/** Channels, transports and adapters opened by the test (`close()` after it). */
export const closers: { close(): void }[] = [];
const containers: HTMLElement[] = [];

/** A box for a viewer's mirror, right of the sharer's frame; removed after the test. */
export function container(): HTMLElement {
  const el = document.createElement('div');
  el.style.cssText = 'position:absolute;left:500px;top:0;width:480px;height:360px';
  document.body.appendChild(el);
  containers.push(el);
  return el;
}

/** For `afterEach`: stops, closes and removes what the test opened. */
export function cleanupSessions(): void {
  for (const s of open.splice(0)) s.stop();
  for (const c of closers.splice(0)) c.close();
  for (const c of containers.splice(0)) c.remove();
  sessionStorage.clear();
  cleanup();
}
