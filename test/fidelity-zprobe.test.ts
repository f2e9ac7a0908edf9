import { it } from './helpers/assert.js';
async function frame(): Promise<Document> {
  const f = document.createElement('iframe');
  const loaded = new Promise((r) => f.addEventListener('load', r, { once: true }));
  f.srcdoc = '<!doctype html><body></body>';
  document.body.appendChild(f);
  await loaded;
  return f.contentDocument!;
}
for (const depth of [1000, 2000, 3000, 5000]) {
  it(`deep ${depth} in a rendered frame`, async () => {
    const d = await frame();
    let at: Element = d.body;
    for (let i = 0; i < depth; i++) at = at.appendChild(d.createElement('div'));
    at.textContent = 'deep';
    console.log('built', depth);
    await new Promise((r) => requestAnimationFrame(r));
    console.log('rendered', depth, d.body.offsetHeight);
  });
}
