// Responsiveness while something big happens: a 10 ms timer stands in for the page's own work, and
// the longest gap between its ticks is how long the page was frozen. A property to assert against
// the whole operation's duration, never a wall-clock speed.
export interface StallMeter {
  /** Stops the timer: the longest gap between ticks (ms) and how many ticks ran. */
  stop(): { longest: number; ticks: number };
}

export function watchStalls(): StallMeter {
  let last = performance.now();
  let longest = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticks++;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return { longest, ticks };
    },
  };
}
