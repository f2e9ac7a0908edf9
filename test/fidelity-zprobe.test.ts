import { it } from './helpers/assert.js';
async function frame(): Promise<Document> {
  const f = document.createElement('iframe');
  const loaded = new Promise((r) => f.addEventListener('load', r, { once: true }));
  f.srcdoc = '<!doctype html><body></body>';
  document.body.appendChild(f);
  await loaded;
  return f.contentDocument!;
}
const q = new URLSearchParams(location.search);
for (const [depth, hidden] of [[5000, true], [2500, false], [5000, false]] as const) {
  it(`deep ${depth} ${hidden}`, async () => {
    const d = await frame();
    let at: Element = d.body;
    if (hidden) { at = at.appendChild(d.createElement('div')); (at as HTMLElement).style.display = 'none'; }
    for (let i = 0; i < depth; i++) at = at.appendChild(d.createElement('div'));
    at.textContent = 'deep';
    console.log('built', depth, hidden);
    await new Promise((r) => requestAnimationFrame(r));
    console.log('rendered', depth, hidden, d.body.offsetHeight, getComputedStyle(at).color);
  });
}
