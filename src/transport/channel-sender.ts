/**
 * Sending chunked messages over a data channel without filling memory or freezing the page.
 *
 * `RTCDataChannel.send` never blocks: it copies into the browser's buffer, and a channel whose buffer
 * grows past its limit (16 MiB in Chromium) is closed. So chunks wait here while the channel holds more
 * than `highWaterMark` bytes, and the `bufferedamountlow` event (fired when it drains to
 * `lowWaterMark`) resumes sending. One call to `pump` sends at most about highWaterMark − lowWaterMark
 * bytes, which keeps each task short: a 20 MB message is sent across many tasks, and the page's own
 * work runs between them.
 *
 * Some implementations never report `bufferedAmount` (@roamhq/wrtc in Node keeps it at 0, never fires
 * `bufferedamountlow`, and its `send` blocks the thread for seconds when flooded: measured). When the
 * channel still says 0 after a pump, we pace instead: at most `lowWaterMark` bytes per task.
 */
import type { ChunkedMessage } from './chunker.js';

export interface SenderOptions {
  highWaterMark: number;
  lowWaterMark: number;
  /** Called when the channel refuses a chunk (it closed under us): the transport fails. */
  onfailure: (error: unknown) => void;
}

export class ChannelSender {
  #channel: RTCDataChannel | null = null;
  readonly #queue: (ChunkedMessage | undefined)[] = [];
  #head = 0;
  /** Next chunk of `queue[head]` to send. */
  #next = 0;
  /** Bytes of chunks still in `queue`. */
  #queued = 0;
  /** The channel does not report what it buffers: pace with a timer instead of waiting for events. */
  #untracked = false;
  #paceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Nothing is sent until `release()` (the other side cannot receive yet: peer.ts). */
  #held = false;

  constructor(private readonly options: SenderOptions) {}

  /** Bytes accepted and not yet on the network: ours plus the channel's own buffer. */
  get bufferedAmount(): number {
    return this.#queued + (this.#channel?.bufferedAmount ?? 0);
  }

  /**
   * The channel to send on (it may not be open yet: sending starts on `open`). `held`: sending
   * starts only at `release()` (and once the channel is open).
   */
  attach(channel: RTCDataChannel, held = false): void {
    this.#channel = channel;
    this.#held = held;
    channel.bufferedAmountLowThreshold = this.options.lowWaterMark;
    channel.addEventListener('bufferedamountlow', () => this.#pump());
    channel.addEventListener('open', () => this.#pump());
  }

  /** Sending may start (a held sender); what was queued meanwhile goes out in order. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#pump();
  }

  enqueue(message: ChunkedMessage): void {
    this.#queue.push(message);
    this.#queued += message.byteLength;
    this.#pump();
  }

  /** Forgets everything not yet handed to the channel (on close). */
  clear(): void {
    this.#queue.length = 0;
    this.#head = this.#next = this.#queued = 0;
    clearTimeout(this.#paceTimer);
    this.#paceTimer = undefined;
  }

  #pump(): void {
    const ch = this.#channel;
    if (!ch || this.#held || ch.readyState !== 'open') return;
    const { highWaterMark: high, lowWaterMark: low } = this.options;
    // never more than a high-water mark in one task, even if the channel's count lags behind
    const budget = this.#untracked ? low : high;
    let sent = 0;
    try {
      while (this.#head < this.#queue.length && ch.bufferedAmount < high && sent < budget) {
        const message = this.#queue[this.#head]!;
        const chunk = message.chunk(this.#next);
        ch.send(chunk);
        sent += chunk.length;
        this.#queued -= chunk.length;
        if (++this.#next === message.count) {
          this.#queue[this.#head++] = undefined; // let the message's buffer go as soon as it is sent
          this.#next = 0;
        }
      }
    } catch (error) {
      this.clear();
      this.options.onfailure(error);
      return;
    }
    if (sent > 0 && ch.bufferedAmount === 0) this.#untracked = true;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (ch.bufferedAmount <= low && this.#paceTimer === undefined) {
      // more to send and no `bufferedamountlow` will come (the buffer is not above it): next task
      this.#paceTimer = setTimeout(() => {
        this.#paceTimer = undefined;
        this.#pump();
      }, 0);
    }
  }
}
