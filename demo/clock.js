// The demo's one clock format (24-hour, with seconds), for the store clock, chat lines and the
// agent's chat list alike: two formats side by side read as two different times.
export const clock = (time = Date.now()) => new Date(time).toLocaleTimeString('en-GB', { hour12: false });
