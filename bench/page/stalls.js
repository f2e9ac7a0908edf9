// The longest stretch a page could not run a task of its own: a task posted again and again (the
// page's own work, as it would run between an engine's tasks) notes the longest gap between two of
// its turns. Unlike PerformanceObserver 'longtask' entries it sees stretches under 50 ms, and the
// browser's style, layout and paint, which Chromium leaves out of those entries.

/** Starts watching; the returned function stops and gives the longest stall in ms. */
export function watchStalls() {
  let longest = 0;
  let last = performance.now();
  let on = true;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
    if (on) channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  return () => {
    on = false;
    channel.port1.close();
    return Math.max(longest, performance.now() - last);
  };
}
