// The modules every capture runs, in the order their ops are written after the DOM ops.
import type { CaptureModule } from './context.js';

export function defaultModules(): CaptureModule[] {
  return [];
}
