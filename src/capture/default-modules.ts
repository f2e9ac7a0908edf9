// The modules every capture runs, in the order their ops are written after the DOM ops: sheets
// before anything that may depend on them, then form state, viewport (scroll needs the content),
// then media.
import type { CaptureModule } from './context.js';
import { createFormModule } from './modules/form.js';
import { createMediaModule } from './modules/media.js';
import { createStylesModule } from './modules/styles.js';
import { createViewportModule } from './modules/viewport.js';

export function defaultModules(): CaptureModule[] {
  return [createStylesModule(), createFormModule(), createViewportModule(), createMediaModule()];
}
