// No engine: the workload alone, for the baseline column.
window.__engine = {
  name: 'none',
  start: () => () => {},
  isSnapshot: () => true,
  whole: () => new Uint8Array(0),
  each: () => [],
};
