// Browser tests run in real browsers (never jsdom): Chromium, Firefox and WebKit by default, or the
// engines named in WTR_BROWSERS (e.g. WTR_BROWSERS=chromium; test/launchers/ finds and starts each one).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { browsersFromEnv } from './test/launchers/index.mjs';
import { charsetMiddleware, shiftJisMiddleware } from './test/fixtures-plugin.mjs';
import { fidelityCommandsPlugin } from './test/helpers/screenshot-plugin.mjs';
import { defaultReporter } from '@web/test-runner';
import { countReporter } from './test/count-reporter.mjs';
import { commonJsPlugin } from './test/cjs-plugin.mjs';

export default {
  // test/hardening/ is the hardening suite (npm run test:hard), not part of npm test
  files: process.env.WTR_FILES ? process.env.WTR_FILES.split(',') : ['test/*.test.ts'],
  nodeResolve: true,
  // several runs at once (e.g. while developing) need their own ports: WTR_PORT=8123 npm test
  ...(process.env.WTR_PORT ? { port: Number(process.env.WTR_PORT) } : {}),
  concurrency: 1,
  testsFinishTimeout: 600_000,
  browserStartTimeout: 60_000,
  testFramework: { config: { timeout: 60_000 } },
  reporters: [defaultReporter(), countReporter()],
  middleware: [shiftJisMiddleware(), charsetMiddleware()],
  plugins: [commonJsPlugin(['tweetnacl']), esbuildPlugin({ ts: true, target: 'es2022' }), fidelityCommandsPlugin()],
  browsers: browsersFromEnv(),
};
