// Element state that lives outside the DOM tree, one watcher per kind: media playback, dialog
// top-layer state, and canvas pixels, in the order their ops are written. Media and dialogs are cheap
// (events and a few patched methods); canvas is not, so draws only mark a canvas drawn and pictures
// are taken on a throttle, encoded off the main thread.
import type { CaptureWatcher } from '../../context.js';
import { CanvasWatcher } from './canvas.js';
import { DialogWatcher } from './dialog.js';
import { PlaybackWatcher } from './playback.js';

export function createMediaWatchers(): CaptureWatcher[] {
  return [new PlaybackWatcher(), new DialogWatcher(), new CanvasWatcher()];
}
