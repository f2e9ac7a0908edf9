import { afterEach, describe, it } from './helpers/assert.js';
import { OpCode, constructedSheetRef, ownerSheetRef } from '../src/protocol/constants.js';
import { activePatchCount } from '../src/capture/patches.js';
import { StylesWatcher } from '../src/capture/watchers/styles/index.js';
import { cssomOnly } from '../src/capture/watchers/styles/style-elements.js';
import { Harness, assert, eq, only, tick, perTestBox } from './helpers/watchers-harness.js';

describe('capture watcher: styles', () => {
  let box: HTMLElement;
  let h: Harness;
  perTestBox(
    (b) => (box = b),
    () => h,
    () => (document.adoptedStyleSheets = []),
  );

  it('sends insertRule/deleteRule on a captured <style> in call order', () => {
    const style = document.createElement('style');
    style.textContent = '.a{color:red} .a1{color:red} .a2{color:red} .a3{color:red} .a4{color:red}';
    box.append(style);
    h = new Harness(document, [new StylesWatcher()]);
    const snap = h.snapshot();
    eq(only(snap, OpCode.SheetRules).length, 0, 'no SHEET_RULES for a <style> whose text says it all');
    const sheet = style.sheet!;
    sheet.insertRule('.b{color:blue}', 1);
    sheet.insertRule('.c{background:url(img/x.png)}', 0);
    sheet.deleteRule(2);
    assert(h.flushRequests > 0, 'requested a flush');
    const ops = h.flush().filter((o) => o.op === OpCode.SheetInsert || o.op === OpCode.SheetDelete);
    const ref = ownerSheetRef(h.id(style));
    eq(
      ops.map((o) => o.op),
      [OpCode.SheetInsert, OpCode.SheetInsert, OpCode.SheetDelete],
      'op order',
    );
    const [i1, i2, del] = ops as Array<Record<string, unknown>>;
    eq([i1.ref, i1.index, i1.rule], [ref, 1, '.b { color: blue; }'], 'first insert');
    eq(
      [i2.index, i2.rule],
      [0, `.c { background: url("${new URL('img/x.png', document.baseURI).href}"); }`],
      'second insert, absolute url',
    );
    eq([del.ref, del.index], [ref, 2], 'delete');
    eq(h.flush().length, 0, 'nothing left');
  });

  it('sends one SHEET_RULES when a sheet gets more edits than it has rules', () => {
    const style = document.createElement('style');
    box.append(style);
    h = new Harness(document, [new StylesWatcher()]);
    h.snapshot();
    for (let i = 0; i < 50; i++) style.sheet!.insertRule(`.r${i}{order:${i}}`, i);
    style.sheet!.deleteRule(0);
    const ops = h.flush();
    eq(ops.length, 1, 'one op');
    const r = only(ops, OpCode.SheetRules)[0]!;
    eq(r.ref, ownerSheetRef(h.id(style)), 'ref');
    eq(r.rules.length, 49, 'rule count');
    eq(r.rules[0], '.r1 { order: 1; }', 'first rule');
  });

  it('sends the top-level sheet whole when a nested grouping rule changes', () => {
    const style = document.createElement('style');
    style.textContent = '@media screen { .a { color: red } }';
    box.append(style);
    h = new Harness(document, [new StylesWatcher()]);
    h.snapshot();
    (style.sheet!.cssRules[0] as CSSMediaRule).insertRule('.b{color:blue}', 1);
    const r = only(h.flush(), OpCode.SheetRules);
    eq(r.length, 1, 'one SHEET_RULES');
    assert(r[0]!.rules[0]!.includes('.b { color: blue; }'), `nested rule present: ${r[0]!.rules[0]}`);
  });

  it('snapshot: CSS-in-JS rules inserted into an empty <style> before capture', () => {
    const style = document.createElement('style');
    box.append(style);
    style.sheet!.insertRule('.sc-1{color:red}');
    style.sheet!.insertRule('.sc-2{color:green}');
    const withText = document.createElement('style');
    withText.textContent = '.t1{color:red} .t2{color:red}';
    box.append(withText);
    withText.sheet!.deleteRule(0);
    h = new Harness(document, [new StylesWatcher()]);
    const rules = only(h.snapshot(), OpCode.SheetRules);
    const byRef = new Map(rules.map((r) => [r.ref, r.rules]));
    eq(byRef.get(ownerSheetRef(h.id(style))), ['.sc-2 { color: green; }', '.sc-1 { color: red; }'], 'empty <style> rules');
    eq(byRef.get(ownerSheetRef(h.id(withText))), ['.t2 { color: red; }'], 'edited <style> rules');
  });

  it('a <style> added later with CSSOM rules is sent whole in that delta', () => {
    h = new Harness(document, [new StylesWatcher()]);
    h.snapshot();
    const style = document.createElement('style');
    box.append(style);
    style.sheet!.insertRule('.late{color:red}');
    h.assign(style); // the core serializes it in this flush
    const ops = h.flush();
    eq(
      ops.map((o) => o.op),
      [OpCode.SheetRules],
      'exactly one SHEET_RULES (the queued insert is part of it, not applied twice)',
    );
    eq(only(ops, OpCode.SheetRules)[0]!.rules, ['.late { color: red; }'], 'rules');
  });

  it('adoptedStyleSheets: sheets adopted before capture and before the root was captured', async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(':host { display: block; color: red }');
    const host = document.createElement('x-lit');
    box.append(host);
    const root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    root.innerHTML = '<p>hi</p>';
    const docSheet = new CSSStyleSheet();
    docSheet.replaceSync('body { margin: 0 }');
    document.adoptedStyleSheets = [docSheet, sheet];
    h = new Harness(document, [new StylesWatcher()]);
    const snap = h.snapshot();
    const news = only(snap, OpCode.SheetNew);
    eq(news.length, 2, 'two constructed sheets announced once each');
    const adopt = only(snap, OpCode.Adopt);
    const forRoot = adopt.find((a) => a.target === h.id(root))!;
    const forDoc = adopt.find((a) => a.target === h.id(document))!;
    assert(forRoot && forDoc, 'ADOPT for the shadow root and the document');
    const sheetId = forRoot.sheets[0]!; // ADOPT lists sheet ids
    const sheetRef = constructedSheetRef(sheetId);
    eq(forDoc.sheets[1], sheetId, 'shared sheet has one id');
    for (const n of news) eq(n.document, h.id(document), 'SHEET_NEW names the document');
    const rules = only(snap, OpCode.SheetRules).find((r) => r.ref === sheetRef)!;
    eq(rules.rules, [':host { display: block; color: red; }'], 'rules of the shared sheet');
    // ordering: SHEET_NEW and SHEET_RULES before the ADOPT that uses them
    const idxNew = snap.findIndex((o) => o.op === OpCode.SheetNew && o.sheet === sheetId);
    const idxAdopt = snap.findIndex((o) => o.op === OpCode.Adopt && o.sheets.includes(sheetId));
    assert(idxNew >= 0 && idxNew < idxAdopt, 'announced before adopted');

    // later edits of an announced constructed sheet
    sheet.insertRule('p { margin: 0 }', 1);
    const d1 = h.flush();
    eq(
      only(d1, OpCode.SheetInsert).map((o) => [o.ref, o.index, o.rule]),
      [[sheetRef, 1, 'p { margin: 0px; }']],
      'insert',
    );
    sheet.replaceSync('p { color: blue }');
    eq(
      only(h.flush(), OpCode.SheetRules).map((o) => [o.ref, o.rules]),
      [[sheetRef, ['p { color: blue; }']]],
      'replaceSync',
    );
    await sheet.replace('p { color: green }');
    await tick();
    eq(
      only(h.flush(), OpCode.SheetRules).map((o) => o.rules),
      [['p { color: green; }']],
      'replace()',
    );
  });

  it('adoptedStyleSheets changed later: assignment and ObservableArray push()', () => {
    const host = document.createElement('x-el');
    box.append(host);
    const root = host.attachShadow({ mode: 'open' });
    h = new Harness(document, [new StylesWatcher()]);
    const snap = h.snapshot();
    eq(only(snap, OpCode.Adopt).length, 0, 'nothing adopted yet');
    const a = new CSSStyleSheet();
    a.replaceSync('.a { color: red }');
    const before = h.flushRequests;
    root.adoptedStyleSheets = [a];
    assert(h.flushRequests > before, 'the setter requests a flush');
    const d1 = h.flush();
    eq(
      d1.map((o) => o.op),
      [OpCode.SheetNew, OpCode.SheetRules, OpCode.Adopt],
      'announce then adopt',
    );
    const refA = only(d1, OpCode.Adopt)[0]!.sheets[0]!;
    const b = new CSSStyleSheet();
    b.replaceSync('.b { color: blue }');
    root.adoptedStyleSheets.push(b); // no setter call in Chromium
    const d2 = h.flush();
    const adopt = only(d2, OpCode.Adopt)[0]!;
    eq(adopt.target, h.id(root), 'target');
    eq(adopt.sheets.length, 2, 'two sheets');
    eq(adopt.sheets[0], refA, 'old sheet kept its ref');
    eq(only(d2, OpCode.SheetNew).length, 1, 'only the new sheet announced');
    root.adoptedStyleSheets = [];
    eq(
      only(h.flush(), OpCode.Adopt).map((o) => o.sheets),
      [[]],
      'emptied',
    );
    eq(h.flush().length, 0, 'no repeats');
  });

  it('CSSOM declaration edits (rule.style.*, setProperty, removeProperty, cssText, selectorText), nested too', () => {
    const style = document.createElement('style');
    style.textContent = '.a { color: red; margin: 1px } @media screen { .m { color: red } }';
    box.append(style);
    const originalGet = Object.getOwnPropertyDescriptor(CSSStyleRule.prototype, 'style')!.get;
    h = new Harness(document, [new StylesWatcher()]);
    h.snapshot();
    const ref = ownerSheetRef(h.id(style));
    const sheet = style.sheet!;
    const rule = sheet.cssRules[0] as CSSStyleRule;
    const nested = (sheet.cssRules[1] as CSSMediaRule).cssRules[0] as CSSStyleRule;
    const rulesSent = () =>
      only(h.flush(), OpCode.SheetRules)
        .filter((o) => o.ref === ref)
        .map((o) => o.rules);

    rule.style.color = 'rgb(1, 2, 3)';
    eq(rulesSent(), [['.a { color: rgb(1, 2, 3); margin: 1px; }', '@media screen {\n  .m { color: red; }\n}']], 'camelCase assignment');
    rule.style.setProperty('background-color', 'blue');
    rule.style.removeProperty('margin');
    rule.style['border-top-width' as 'borderTopWidth'] = '2px';
    eq(rulesSent().length, 1, 'setProperty + removeProperty + dashed assignment: one SHEET_RULES per flush');
    assert(rule.cssText.includes('background-color: blue') && !rule.cssText.includes('margin'), rule.cssText);
    rule.style.cssText = 'color: green';
    eq(rulesSent()[0]![0], '.a { color: green; }', 'cssText');
    (rule as unknown as { style: string }).style = 'color: olive';
    eq(rulesSent()[0]![0], '.a { color: olive; }', 'rule.style = text (PutForwards)');
    rule.selectorText = '.b';
    eq(rulesSent()[0]![0], '.b { color: olive; }', 'selectorText');
    nested.style.color = 'rgb(7, 7, 7)';
    eq(rulesSent()[0]![1], '@media screen {\n  .m { color: rgb(7, 7, 7); }\n}', 'rule nested in @media');
    const kept = nested.style; // a reference kept by the page
    kept.color = 'rgb(8, 8, 8)';
    eq(rulesSent().length, 1, 'edit through a kept declaration reference');

    // the declaration still behaves as one
    assert(rule.style === rule.style, 'identity kept');
    assert(rule.style instanceof CSSStyleDeclaration, 'instanceof');
    eq(rule.style.getPropertyValue('color'), 'olive', 'methods work');
    eq(rule.style.parentRule === rule, true, 'parentRule');
    eq(h.flush().length, 0, 'reads send nothing');

    // inline element styles: attribute mutations carry them; no hook queues anything
    const n = h.flushRequests;
    box.style.color = 'red';
    box.style.setProperty('margin', '1px');
    box.style.removeProperty('margin');
    box.style.cssText = 'color: blue';
    eq(h.flushRequests, n, 'inline style edits request nothing');
    eq(h.flush().length, 0, 'inline style edits send nothing');

    h.stop();
    eq(Object.getOwnPropertyDescriptor(CSSStyleRule.prototype, 'style')!.get, originalGet, 'style getter restored');
    const m = h.flushRequests;
    rule.style.color = 'red';
    kept.color = 'red';
    eq(h.flushRequests, m, 'no hook fires after stop');
  });

  it('a flush with nothing pending reads no sheet', () => {
    const style = document.createElement('style');
    style.textContent = '.a { color: red }';
    box.append(style);
    h = new Harness(document, [new StylesWatcher()]);
    h.snapshot();
    let reads = 0;
    const desc = Object.getOwnPropertyDescriptor(CSSStyleSheet.prototype, 'cssRules')!;
    Object.defineProperty(CSSStyleSheet.prototype, 'cssRules', {
      ...desc,
      get(this: CSSStyleSheet) {
        reads++;
        return desc.get!.call(this);
      },
    });
    try {
      for (let i = 0; i < 5; i++) eq(h.flush().length, 0, 'nothing');
    } finally {
      Object.defineProperty(CSSStyleSheet.prototype, 'cssRules', desc);
    }
    eq(reads, 0, 'cssRules reads');
  });

  it('ignores sheets outside capture and stops cleanly', () => {
    const loose = new CSSStyleSheet();
    h = new Harness(document, [new StylesWatcher()]);
    h.snapshot();
    assert(activePatchCount() > 0, 'patched while running');
    loose.insertRule('.x{color:red}');
    eq(h.flush().length, 0, 'unadopted constructed sheet: nothing');
    const style = document.createElement('style');
    box.append(style);
    h.stop();
    eq(activePatchCount(), 0, 'no patches after stop');
    const n = h.flushRequests;
    style.sheet!.insertRule('.y{color:red}');
    document.adoptedStyleSheets = [loose];
    eq(h.flushRequests, n, 'no hook fires after stop');
  });
});

describe('capture watcher: styles, <style> elements edited through CSSOM (cssomOnly alone)', () => {
  const styles: HTMLStyleElement[] = [];
  const parser = new CSSStyleSheet();
  const styleWith = (text: string) => {
    const el = document.createElement('style');
    el.textContent = text;
    document.head.append(el);
    styles.push(el);
    return el;
  };
  afterEach(() => {
    for (const el of styles.splice(0)) el.remove();
  });

  it('tells a <style> whose text says it all from one whose sheet was edited', () => {
    const plain = styleWith('.a{color:red} .b{color:blue}');
    eq(cssomOnly(plain, plain.sheet!, parser), false, 'text and sheet agree');
    const empty = styleWith('');
    eq(cssomOnly(empty, empty.sheet!, parser), false, 'empty text, no rules');
    empty.sheet!.insertRule('.c{color:green}');
    eq(cssomOnly(empty, empty.sheet!, parser), true, 'empty text, an inserted rule (the CSS-in-JS case)');
    plain.sheet!.deleteRule(0);
    eq(cssomOnly(plain, plain.sheet!, parser), true, 'a rule deleted through CSSOM');
    eq(parser.cssRules.length, 0, 'the scratch sheet is left empty');
  });

  it('does not count @import rules, which a parse of the text drops', async () => {
    const el = styleWith('@import url("data:text/css,.imp{color:red}"); .a{color:red}');
    // Firefox gives the element its sheet only once the import has loaded (Chromium at once)
    if (!el.sheet) await new Promise((r) => el.addEventListener('load', r, { once: true }));
    eq(el.sheet!.cssRules.length, 2, 'the live sheet has the @import rule and the style rule');
    eq(cssomOnly(el, el.sheet!, parser), false, 'text and sheet agree');
    el.sheet!.insertRule('.b{color:blue}', 2);
    eq(cssomOnly(el, el.sheet!, parser), true, 'then a rule inserted through CSSOM');
  });
});
