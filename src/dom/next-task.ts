// Yielding to the event loop between slices of long work (a large message, a large snapshot). A
// MessageChannel message is a new task without setTimeout's 4 ms clamp for nested timers, so a 20 MB
// send is not slowed by thousands of clamped waits; the browser still runs input, rendering and
// timers in between.
const waiting: Array<() => void> = [];
let receiver: MessagePort | null = null;
let sender: MessagePort | null = null;

/** Node only: a port with an `onmessage` keeps the process alive; browsers have no such methods. */
type NodePort = MessagePort & { ref?(): void; unref?(): void };

export function nextTask(): Promise<void> {
  if (!receiver) {
    const channel = new MessageChannel();
    receiver = channel.port1;
    sender = channel.port2;
    receiver.onmessage = () => {
      waiting.shift()?.();
      // nothing left to wait for: let a Node process exit (found by the hardening tests)
      if (!waiting.length) (receiver as NodePort).unref?.();
    };
  }
  (receiver as NodePort).ref?.();
  return new Promise((resolve) => {
    waiting.push(resolve);
    sender!.postMessage(0);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
