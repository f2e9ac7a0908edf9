// The secure channel as shipped: dist/cobrowse-rtc.js (rollup, tweetnacl through @rollup/plugin-commonjs,
// fflate with our sync-flush fix). Needs `npm run build` first (npm test does it).
import * as dist from '../dist/cobrowse-rtc.js';
import { assertEqual, describe, it } from './helpers/assert.js';
import { pipe } from './helpers/pipe.js';

describe('secure channel: the dist bundle', () => {
  it('handshakes, agrees on the SAS and carries 300 compressed messages and a large one', async () => {
    const p = pipe();
    const secret = dist.decodeSecret(dist.encodeSecret(dist.randomSecret()));
    const [viewer, sharer] = await Promise.all([
      dist.openSecureChannel(p.a, { role: 'viewer', secret }),
      dist.openSecureChannel(p.b, { role: 'sharer', secret }),
    ]);
    assertEqual(viewer.sas, sharer.sas);
    const got: Uint8Array[] = [];
    sharer.onmessage = (m: Uint8Array) => got.push(m);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) sent.push(new TextEncoder().encode(`<li class="row">item ${i} of the order list</li>`));
    sent.push(new Uint8Array(700_000).map((_, i) => (i * 7) % 251));
    for (const m of sent) viewer.send(m);
    const t0 = performance.now();
    while (got.length < sent.length && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
    assertEqual(got, sent);
    viewer.close();
  });
});
