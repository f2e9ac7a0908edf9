// The watchers every capture runs, in the order their ops are written after the DOM ops: sheets
// before anything that may depend on them, then form state, viewport (scroll needs the content),
// then media.
import type { CaptureWatcher } from './context.js';
import { FormWatcher } from './watchers/form.js';
import { createMediaWatchers } from './watchers/media/index.js';
import { StylesWatcher } from './watchers/styles/index.js';
import { createViewportWatchers } from './watchers/viewport/index.js';

export function defaultWatchers(): CaptureWatcher[] {
  return [new StylesWatcher(), new FormWatcher(), ...createViewportWatchers(), ...createMediaWatchers()];
}
