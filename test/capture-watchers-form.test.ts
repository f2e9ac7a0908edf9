import { describe, it } from './helpers/assert.js';
import { OpCode } from '../src/protocol/constants.js';
import { activePatchCount } from '../src/capture/patches.js';
import { FormWatcher } from '../src/capture/watchers/form.js';
import { Harness, assert, bytesContain, eq, only, perTestBox } from './helpers/watchers-harness.js';

/** Types like a user: real `input` events, no property setter from script. */
function type(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.focus();
  document.execCommand('insertText', false, text);
}

describe('capture watcher: form', () => {
  let box: HTMLElement;
  let h: Harness;
  perTestBox(
    (b) => (box = b),
    () => h,
  );

  it('user typing and programmatic .value: the latest value per field per flush', () => {
    box.innerHTML = '<input id=a><textarea id=b></textarea>';
    const a = box.querySelector('input')!;
    const b = box.querySelector('textarea')!;
    h = new Harness(document, [new FormWatcher()]);
    h.snapshot();
    type(a, 'hel');
    type(a, 'lo');
    b.value = 'set by script';
    const ops = only(h.flush(), OpCode.Value);
    eq(
      ops.map((o) => [o.id, o.value]).sort(),
      [
        [h.id(a), 'hello'],
        [h.id(b), 'set by script'],
      ].sort(),
      'values',
    );
    a.value = 'hello'; // same value again: nothing new
    eq(h.flush().length, 0, 'no repeat');
    a.setRangeText('J', 0, 1);
    eq(
      only(h.flush(), OpCode.Value).map((o) => o.value),
      ['Jello'],
      'setRangeText',
    );
  });

  it('IME composition: live values and the committed one', () => {
    box.innerHTML = '<input>';
    const a = box.querySelector('input')!;
    h = new Harness(document, [new FormWatcher()]);
    h.snapshot();
    a.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
    type(a, 'にほ'); // the browser fires input with isComposing during a real composition
    a.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, data: 'にほ' }));
    eq(
      only(h.flush(), OpCode.Value).map((o) => o.value),
      ['にほ'],
      'live composition text',
    );
    a.focus();
    document.execCommand('selectAll');
    document.execCommand('insertText', false, '日本');
    a.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '日本' }));
    eq(
      only(h.flush(), OpCode.Value).map((o) => o.value),
      ['日本'],
      'committed text',
    );
  });

  it('radio groups, checkboxes and selects', () => {
    box.innerHTML = `<input type=radio name=g id=r1 checked><input type=radio name=g id=r2><input type=checkbox id=c>
      <select id=s><option>a</option><option>b</option><option>c</option></select>
      <select id=m multiple><option>x</option><option>y</option></select>`;
    const [r1, r2] = Array.from(box.querySelectorAll<HTMLInputElement>('input[type=radio]'));
    const c = box.querySelector<HTMLInputElement>('#c')!;
    const s = box.querySelector<HTMLSelectElement>('#s')!;
    const m = box.querySelector<HTMLSelectElement>('#m')!;
    h = new Harness(document, [new FormWatcher()]);
    h.snapshot();
    r2!.click(); // user click: change event on r2 only
    c.checked = true;
    const checked = only(h.flush(), OpCode.Checked)
      .map((o) => [o.id, o.checked])
      .sort();
    eq(
      checked,
      [
        [h.id(r1!), false],
        [h.id(r2!), true],
        [h.id(c), true],
      ].sort(),
      'radio group and checkbox',
    );
    s.value = 'c';
    const sel = only(h.flush(), OpCode.Selected)
      .map((o) => [o.id, o.selected])
      .sort();
    eq(
      sel,
      [
        [h.id(s.options[0]!), false],
        [h.id(s.options[2]!), true],
      ].sort(),
      'select: changed options only',
    );
    s.selectedIndex = 1;
    eq(only(h.flush(), OpCode.Selected).length, 2, 'selectedIndex');
    m.options[0]!.selected = true;
    m.options[1]!.selected = true;
    eq(
      only(h.flush(), OpCode.Selected).map((o) => o.selected),
      [true, true],
      'multiple select',
    );
  });

  it('fields inside shadow roots (events retargeted to the host)', () => {
    const host = document.createElement('x-field');
    box.append(host);
    const root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = '<input>';
    const input = root.querySelector('input')!;
    h = new Harness(document, [new FormWatcher()]);
    h.snapshot();
    h.assign(root); // the core captures closed roots through its attachShadow patch
    type(input, 'shadow');
    eq(
      only(h.flush(), OpCode.Value).map((o) => [o.id, o.value]),
      [[h.id(input), 'shadow']],
      'value from the shadow root',
    );
  });

  it('masking: the canary never enters a frame (typed and set by script)', () => {
    const CANARY = 'Zq7canary9Xk';
    box.innerHTML = `<input type=password id=p><input autocomplete=cc-number id=cc><div data-cobrowse-mask><input id=m></div>
      <select data-cobrowse-mask id=s><option>${'x'}</option><option>y</option></select>`;
    const p = box.querySelector<HTMLInputElement>('#p')!;
    const cc = box.querySelector<HTMLInputElement>('#cc')!;
    const m = box.querySelector<HTMLInputElement>('#m')!;
    h = new Harness(document, [new FormWatcher()]);
    h.snapshot();
    for (const el of [p, cc, m]) type(el, CANARY);
    const ops = only(h.flush(), OpCode.Value);
    eq(ops.length, 3, 'three VALUE ops');
    const byId = new Map(ops.map((o) => [o.id, o.value]));
    eq(byId.get(h.id(p)), '••••••••', 'password placeholder');
    eq(byId.get(h.id(cc)), '••••••••', 'cc placeholder');
    eq(byId.get(h.id(m)), '*'.repeat(CANARY.length), 'masked text field');
    for (const el of [p, cc, m]) el.value = `${CANARY}2`;
    h.flush();
    (box.querySelector('#s') as HTMLSelectElement).selectedIndex = 1;
    eq(only(h.flush(), OpCode.Selected).length, 0, 'a masked select says nothing');
    assert(!bytesContain(h.allBytes, CANARY), 'canary found in frame bytes');
  });

  it('stop removes every listener and patch', () => {
    box.innerHTML = '<input>';
    const a = box.querySelector('input')!;
    h = new Harness(document, [new FormWatcher()]);
    h.snapshot();
    h.stop();
    eq(activePatchCount(), 0, 'no patches');
    const n = h.flushRequests;
    type(a, 'x');
    a.value = 'y';
    eq(h.flushRequests, n, 'nothing fires after stop');
  });
});
