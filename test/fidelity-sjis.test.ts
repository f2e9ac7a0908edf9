// A page served as Shift_JIS (bytes in Shift_JIS, `charset=Shift_JIS` header; see test/fixtures-plugin.mjs)
// mirrors character for character, and Japanese typed into a field too.
import { afterEach, assertEqual, assertNoDiffs, describe, it } from './helpers/assert.js';
import { sendKeys } from './helpers/commands.js';
import { cleanup, createSharer, mirrorOf, startSession, typeInto } from './helpers/harness.js';

afterEach(cleanup);

// what the browser's (WHATWG) Shift_JIS decoder gives for the fixture's bytes (encoded with cp932).
// NOTE: cp932 encodes U+FF5E `～` as 0x8160, which the WHATWG decoder reads back as U+301C `〜` (wave dash).
const EXPECTED: Record<string, string> = {
  kanji: '漢字：東京都千代田区丸の内',
  hira: 'ひらがな：あいうえお',
  kata: 'カタカナ：アイウエオ',
  half: '半角カナ：ｶﾀｶﾅ ﾊﾝｶｸ',
};

describe('fidelity: Shift_JIS page', () => {
  it('the sharer decodes the fixture as Shift_JIS, and the mirror has the same characters', async () => {
    const sharer = await createSharer({ url: '/test/fixtures/page.sjis.html' });
    const { doc } = sharer;
    assertEqual(doc.characterSet, 'Shift_JIS', 'characterSet');
    for (const [id, text] of Object.entries(EXPECTED)) assertEqual(doc.getElementById(id)!.textContent, text, id);
    const sym = doc.getElementById('sym')!.textContent!;
    assertEqual(/^記号：[～〜] ￥1,000$/.test(sym), true, `symbols decoded: ${sym}`);
    assertEqual(doc.getElementById('sym')!.textContent!.includes('\uFFE5'), true, '￥ U+FFE5');
    assertEqual((doc.getElementById('name') as HTMLInputElement).value, '山田　太郎');
    const s = await startSession(sharer);
    await s.expectSame('Shift_JIS snapshot');
    const md = s.mirror.document!;
    assertEqual(md.title, doc.title, 'title');
    for (const id of ['h', 'kanji', 'hira', 'kata', 'half', 'sym']) {
      assertEqual(md.getElementById(id)!.textContent, doc.getElementById(id)!.textContent, id);
    }
    assertEqual(md.getElementById('h')!.getAttribute('title'), doc.getElementById('h')!.getAttribute('title'), 'attribute');
    assertEqual((md.getElementById('name') as HTMLInputElement).value, '山田　太郎', 'input value');
    assertEqual((md.getElementById('name') as HTMLInputElement).placeholder, 'お名前（全角）', 'placeholder');
    assertEqual((md.getElementById('memo') as HTMLTextAreaElement).value, 'メモ：よろしくお願いします。', 'textarea');
  });

  it('Japanese typed into a field of the Shift_JIS page', async () => {
    const sharer = await createSharer({ url: '/test/fixtures/page.sjis.html' });
    const s = await startSession(sharer);
    const field = sharer.doc.getElementById('field') as HTMLInputElement;
    field.focus();
    await sendKeys({ type: '日本語ｶﾀｶﾅ～￥' });
    await s.settle();
    assertEqual(field.value, '日本語ｶﾀｶﾅ～￥', 'typed on the sharer');
    assertEqual(mirrorOf(s, field)!.value, field.value, 'typed value in the mirror');
    typeInto(sharer.doc.getElementById('memo') as HTMLTextAreaElement, '東京～大阪 ￥500');
    await s.settle();
    assertNoDiffs(s.compare(), 'after typing');
  });
});
