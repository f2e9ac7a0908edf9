// Our bundles on pages in legacy encodings. A classic script is decoded with the PAGE's encoding
// unless the server says `charset=utf-8`, and many servers and CDNs send `application/javascript`
// without one: so every bundle is ASCII (rollup.config.mjs), and the strings a person reads — the
// consent dialog's Japanese, the mask on a sensitive field — come out the same on a Shift_JIS or
// windows-1252 page as in the source. test/fixtures-plugin.mjs serves the pages and the bundles.
import { sharerStrings } from '../src/elements/strings/sharer.js';
import { assert, assertEqual, describe, it } from './helpers/assert.js';

type SharerApi = typeof import('../dist/cobrowse-rtc-sharer.js');
type MainApi = typeof import('../dist/cobrowse-rtc.js');

/** Opens `bundle` in an iframe whose page is in `encoding`; resolves with the frame's window once the script ran. */
async function pageWith(encoding: string, bundle: string): Promise<Window & { CobrowseSharer?: SharerApi; CobrowseRTC?: MainApi }> {
  const frame = document.createElement('iframe');
  frame.src = `/test/fixtures/charset/${encoding}/${bundle}`;
  const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow!;
  assertEqual(win.document.characterSet.toLowerCase(), encoding, 'the page is in the encoding under test');
  return win;
}

for (const encoding of ['shift_jis', 'windows-1252']) {
  describe(`bundles on a ${encoding} page, served without a charset`, () => {
    it('cobrowse-rtc-sharer.iife.js: the consent dialog says its Japanese as written', async () => {
      const win = await pageWith(encoding, 'cobrowse-rtc-sharer.iife.js');
      const api = win.CobrowseSharer;
      assert(api, 'the sharer bundle ran');
      void api.requestConsent({ lang: 'ja' });
      const el = win.document.querySelector('cobrowse-consent') as (HTMLElement & { updateComplete: Promise<unknown> }) | null;
      assert(el, '<cobrowse-consent> is on the page');
      await el.updateComplete;
      const text = el.shadowRoot!.textContent ?? '';
      for (const key of ['consentTitle', 'consentHidden', 'allow', 'deny'] as const) {
        const expected = sharerStrings.ja![key]!;
        assert(text.includes(expected), `"${expected}" in the dialog; it says: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
      }
      win.frameElement!.remove();
    });

    it("cobrowse-rtc.iife.js: a sensitive field's mask reaches the mirror as •", async () => {
      const win = await pageWith(encoding, 'cobrowse-rtc.iife.js');
      const api = win.CobrowseRTC;
      assert(api, 'the main bundle ran');
      win.document.body.innerHTML = '<input id=pw type=password value=hunter2>';
      const container = win.document.createElement('div');
      win.document.body.append(container);
      const mirror = new api.Mirror(container);
      const handle = api.capture(win.document, { onFrame: (f) => mirror.apply(f) });
      const shown = (mirror.document?.getElementById('pw') as HTMLInputElement | null)?.value;
      assertEqual(shown, '••••••••', 'the mirrored password field');
      handle.stop();
      mirror.destroy();
      win.frameElement!.remove();
    });
  });
}
