// Bundled by leaks-capture.test.mjs (esbuild) into the page under test.
import { capture, startSharing, startViewing, createLoopbackPair } from '../../src/index.js';
import { activePatchCount } from '../../src/capture/patches.js';

(window as unknown as Record<string, unknown>).leaks = { capture, startSharing, startViewing, createLoopbackPair, activePatchCount };
