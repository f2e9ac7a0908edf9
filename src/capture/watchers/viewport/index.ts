// Where the customer is looking and pointing, one watcher per concern, in the order their ops are
// written: viewport size, scroll positions (they need the content), focus, text selection, hover,
// pointer and clicks. All of it arrives at high rates, so handlers only record the latest target (no
// layout reads in event handlers) and the flush reads the live state once per frame.
import type { CaptureWatcher } from '../../context.js';
import { FocusWatcher } from './focus.js';
import { HoverWatcher } from './hover.js';
import { PointerWatcher } from './pointer.js';
import { ScrollWatcher } from './scroll.js';
import { SelectionWatcher } from './selection.js';
import { ViewportSizeWatcher } from './size.js';

export function createViewportWatchers(): CaptureWatcher[] {
  return [
    new ViewportSizeWatcher(),
    new ScrollWatcher(),
    new FocusWatcher(),
    new SelectionWatcher(),
    new HoverWatcher(),
    new PointerWatcher(),
  ];
}
