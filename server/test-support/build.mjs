// The browser adapters are TypeScript (src/signaling); Node tests import the tsc output in build/.
// Compiles when build/ is missing or older than a source file, so a stale build is never tested.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The signaling clients as Node tests use them: the reference server's (the `cobrowse-rtc/reference-server`
 * entry), signaling over any text chat, and the adapter's error — modules that load without a DOM.
 */
export async function importSignaling() {
  const out = join(root, 'build/reference-server.js');
  const sources = [
    join(root, 'src/reference-server.ts'),
    ...readdirSync(join(root, 'src/signaling')).map((f) => join(root, 'src/signaling', f)),
  ];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (!existsSync(out) || statSync(out).mtimeMs < newest) {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
      stdio: 'inherit',
    });
  }
  const [server, chat, adapter] = await Promise.all([
    import(out),
    import(join(root, 'build/signaling/chat.js')),
    import(join(root, 'build/signaling/adapter.js')),
  ]);
  return { ...server, ...chat, ...adapter };
}
