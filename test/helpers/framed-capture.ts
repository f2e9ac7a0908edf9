// A page in an iframe captured from the test's realm, its frames decoded as they arrive; what
// `framedCapture()` started is stopped and removed after each test.
import { afterEach } from './assert.js';
import { capture, type CaptureHandle, type CaptureOptions } from '../../src/capture/index.js';
import { FrameDecoder, type Frame } from '../../src/protocol/index.js';

export interface FramedCapture {
  readonly doc: Document;
  readonly win: Window;
  /** Every frame so far, decoded, the snapshot first. */
  readonly frames: Frame[];
  readonly handle: CaptureHandle;
}

/** Call in a `describe`: returns `start(body, options)`, which loads `body` in a new iframe and captures it. */
export function framedCapture(): (body: string, options?: Omit<CaptureOptions, 'onFrame'>) => Promise<FramedCapture> {
  let frame: HTMLIFrameElement | null = null;
  let handle: CaptureHandle | null = null;
  afterEach(() => {
    handle?.stop();
    frame?.remove();
    handle = frame = null;
  });
  return async (body, options = {}) => {
    frame = document.createElement('iframe');
    document.body.append(frame);
    await new Promise<void>((r) => {
      frame!.addEventListener('load', () => r(), { once: true });
      frame!.srcdoc = `<!doctype html><body>${body}</body>`;
    });
    const frames: Frame[] = [];
    const decoder = new FrameDecoder();
    handle = capture(frame.contentDocument!, {
      ...options,
      onFrame(bytes) {
        frames.push(decoder.decode(bytes));
        decoder.commit();
      },
    });
    return { doc: frame.contentDocument!, win: frame.contentWindow!, frames, handle };
  };
}
