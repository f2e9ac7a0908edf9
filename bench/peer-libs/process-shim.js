// The `process` global that simple-peer 9's dependencies (readable-stream: process.nextTick) expect in a
// browser, as browserify and webpack 4 provided it: the `process` package's browser build.
import process from 'process/browser.js';

export { process };
