// Yielding to the event loop between slices of a large message. A MessageChannel message is a new
// task without setTimeout's 4 ms clamp for nested timers, so a 20 MB send is not slowed by
// thousands of clamped waits; the browser still runs input, rendering and timers in between.
const waiting: Array<() => void> = [];
let port: MessagePort | null = null;

export function nextTask(): Promise<void> {
  if (!port) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    port = channel.port2;
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    port!.postMessage(0);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
