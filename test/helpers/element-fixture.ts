// Setup shared by the element tests: sessions to stop and elements to remove after each test, the
// mouse put back, the sharer frames disposed. Importing this module registers the afterEach hook
// (web-test-runner runs each test file in its own page, so it applies to that file only).
import { afterEach } from './assert.js';
import { resetMouse } from './commands.js';
import { cleanup } from './harness.js';

/** Sessions (anything with `stop()`) to stop after the test. */
export const open: { stop(): void }[] = [];
const removeAfter: Element[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) s.stop();
  for (const el of removeAfter.splice(0)) el.remove();
  await resetMouse();
  cleanup();
});

/** Appends `el` to the test page's body, to be removed after the test. */
export function inTop<T extends Element>(el: T): T {
  document.body.append(el);
  removeAfter.push(el);
  return el;
}
