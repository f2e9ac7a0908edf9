// The browser adapters are TypeScript (src/signaling); Node tests import the tsc output in build/.
// Compiles when build/ is missing or older than a source file, so a stale build is never tested.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function importSignaling() {
  const out = join(root, 'build/signaling/index.js');
  const src = join(root, 'src/signaling');
  const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  if (!existsSync(out) || statSync(out).mtimeMs < newest) {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
      stdio: 'inherit',
    });
  }
  return import(out);
}
