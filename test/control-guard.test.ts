// Remote control, the guardrails: every kind of input the agent's side could craft toward what it
// must not touch, performed through the replay on a real page. Each attack must be refused with its
// reason and leave the page untouched: the target's value unchanged, and not one event (key, pointer,
// input, click) dispatched to it — 0 accepted. A positive control beside each group shows the same
// action on an allowed target does go through, so a refusal is the guard's, not a broken replay's.
import { afterEach, assertEqual, describe, it } from './helpers/assert.js';
import { mountPage, unmountPages, type Page } from './fixtures/control/page.js';
import type { ControlGuardOptions } from '../src/control/guard.js';
import type { Refusal } from '../src/control/actions.js';
import type { Outcome } from '../src/control/replay.js';

afterEach(unmountPages);

const TOUCH = [
  'keydown',
  'keypress',
  'keyup',
  'beforeinput',
  'input',
  'change',
  'pointerdown',
  'mousedown',
  'click',
  'focus',
  'submit',
  'scroll',
];

/** Records every event of TOUCH that reaches the page's `#target` (or anything inside it). */
function watch(page: Page): string[] {
  const seen: string[] = [];
  const on = (e: Event) => {
    if (!e.composedPath().includes(page.$('#target'))) return;
    seen.push(e.type);
    if (e.type === 'click') e.preventDefault(); // a wrongly accepted link must fail the test, not navigate the runner away
  };
  for (const t of TOUCH) page.root.addEventListener(t, on, true);
  return seen;
}

const reason = (o: Outcome): string => (o === null ? 'accepted' : o === 'confirm-submit' ? o : (o as Refusal).reason);

interface Attack {
  name: string;
  html: string;
  options?: ControlGuardOptions;
  /** What the customer did before (e.g. focused the field); the agent's attack; the refusal expected. */
  before?: (page: Page) => void;
  attack: (page: Page) => Outcome[];
  reason: string;
}

const typeInto = (page: Page): Outcome[] => (page.$('#target').focus(), page.type('x'));
const clickOn = (page: Page): Outcome[] => [page.click(page.$('#target'))];

const ATTACKS: Attack[] = [
  { name: 'typing into a password field', html: '<input id="target" type="password">', attack: typeInto, reason: 'private' },
  { name: 'clicking a password field', html: '<input id="target" type="password">', attack: clickOn, reason: 'private' },
  { name: 'typing into a cc-number field', html: '<input id="target" autocomplete="cc-number">', attack: typeInto, reason: 'private' },
  {
    name: 'typing into a one-time-code field',
    html: '<input id="target" autocomplete="one-time-code">',
    attack: typeInto,
    reason: 'private',
  },
  {
    name: 'typing into a field of a data-cobrowse-mask element',
    html: '<div data-cobrowse-mask><input id="target"></div>',
    attack: typeInto,
    reason: 'private',
  },
  {
    name: 'typing into a field masked by a selector',
    html: '<div class="secret"><input id="target"></div>',
    options: { mask: { text: '.secret' } },
    attack: typeInto,
    reason: 'private',
  },
  {
    name: "typing into a field with inputs: 'all'",
    html: '<input id="target">',
    options: { mask: { inputs: 'all' } },
    attack: typeInto,
    reason: 'private',
  },
  {
    name: 'clicking inside a blocked element',
    html: '<div data-cobrowse-block><button id="target">pay</button></div>',
    attack: clickOn,
    reason: 'private',
  },
  {
    name: 'typing into a field inside a blocked element',
    html: '<div class="pay"><input id="target"></div>',
    options: { mask: { block: '.pay' } },
    attack: typeInto,
    reason: 'private',
  },
  {
    name: 'typing into a password field in a shadow root',
    html: '<div id="target"></div>',
    before: (page) => (page.$('#target').attachShadow({ mode: 'open' }).innerHTML = '<input type="password">'),
    attack: (page) => (page.$('#target').shadowRoot!.querySelector<HTMLElement>('input')!.focus(), page.type('x')),
    reason: 'private',
  },
  {
    name: 'clicking the label of a password field',
    html: '<label id="target" for="pw">pin</label><p><input id="pw" type="password"></p>',
    attack: clickOn,
    reason: 'private',
  },
  {
    name: 'typing into a card-number component (autocomplete on its host, a plain field inside)',
    html: '<div id="target" autocomplete="cc-number"></div>',
    before: (page) => (page.$('#target').attachShadow({ mode: 'open' }).innerHTML = '<input>'),
    attack: (page) => (page.$('#target').shadowRoot!.querySelector<HTMLElement>('input')!.focus(), page.type('x')),
    reason: 'private',
  },
  {
    name: 'typing into a data-cobrowse-readonly field',
    html: '<fieldset data-cobrowse-readonly><input id="target"></fieldset>',
    attack: typeInto,
    reason: 'readonly',
  },
  {
    name: 'typing into a field matched by the readonly option',
    html: '<input id="target" class="ro">',
    options: { readonly: '.ro' },
    attack: typeInto,
    reason: 'readonly',
  },
  {
    name: 'clicking a readonly checkbox',
    html: '<input id="target" type="checkbox" data-cobrowse-readonly>',
    attack: clickOn,
    reason: 'readonly',
  },
  {
    name: 'picking from a readonly select',
    html: '<select id="target" data-cobrowse-readonly><option>a</option><option>b</option></select>',
    attack: (p) => [p.perform({ a: 'select', id: p.ids.idOf(p.$('#target')), index: 1 })],
    reason: 'readonly',
  },
  {
    name: 'an arrow key moving into a readonly radio',
    html: '<div id="group"><input type="radio" name="g" id="r1" checked><span data-cobrowse-readonly><input type="radio" name="g" id="target"></span></div>',
    attack: (page) => (page.$('#r1').focus(), [page.key('ArrowRight')]),
    reason: 'readonly',
  },
  { name: 'clicking a file input', html: '<input id="target" type="file">', attack: clickOn, reason: 'file' },
  {
    name: 'clicking the label of a file input',
    html: '<label id="target" for="up">upload</label><p><input id="up" type="file"></p>',
    attack: clickOn,
    reason: 'file',
  },
  {
    name: 'typing into contenteditable outside the allow-list',
    html: '<div id="target" contenteditable>text</div>',
    options: { editable: '.notes' },
    attack: typeInto,
    reason: 'editable',
  },
  {
    name: 'clicking a link to another origin',
    html: '<a id="target" href="https://evil.example/x">x</a>',
    attack: clickOn,
    reason: 'navigation',
  },
  {
    name: 'clicking a javascript: link (even with opaque origins allowed)',
    html: '<a id="target" href="javascript:alert(1)">x</a>',
    options: { allowedOrigins: [location.origin, 'null'] },
    attack: clickOn,
    reason: 'navigation',
  },
  {
    name: 'submitting a form whose action is another origin',
    html: '<form action="https://evil.example/post"><button id="target">send</button></form>',
    attack: clickOn,
    reason: 'navigation',
  },
  {
    name: 'Enter in a field whose default button posts to another origin',
    html: '<form><input id="target"><button formaction="https://evil.example/post">send</button></form>',
    attack: (page) => (page.$('#target').focus(), [page.key('Enter')]),
    reason: 'navigation',
  },
  {
    name: 'clicking our own UI (data-cobrowse-ignore)',
    html: '<div data-cobrowse-ignore><button id="target">stop sharing</button></div>',
    attack: clickOn,
    reason: 'outside',
  },
  {
    name: 'clicking UI ignored by a selector',
    html: '<div class="ours"><button id="target">stop</button></div>',
    options: { mask: { ignore: '.ours' } },
    attack: clickOn,
    reason: 'outside',
  },
  {
    name: 'scrolling our own UI',
    html: '<div id="target" data-cobrowse-ignore style="height:50px;overflow:auto"><p style="height:500px">x</p></div>',
    attack: (p) => [p.perform({ a: 'scroll', id: p.ids.idOf(p.$('#target')), x: 0, y: 100 })],
    reason: 'outside',
  },
  {
    name: 'scrolling a blocked element',
    html: '<div id="target" data-cobrowse-block style="height:50px;overflow:auto"><p style="height:500px">x</p></div>',
    attack: (p) => [p.perform({ a: 'scroll', id: p.ids.idOf(p.$('#target')), x: 0, y: 100 })],
    reason: 'private',
  },
  { name: 'a key with nothing focused', html: '<input id="target">', attack: (page) => page.type('x'), reason: 'not-focused' },
  {
    name: 'a click where the page changed under the pointer',
    html: '<button id="target">delete</button><button id="other">cancel</button>',
    attack: (page) => [page.click(page.$('#target'), page.$('#other'))],
    reason: 'changed',
  },
  {
    name: 'a click on an element the capture never saw (id 0)',
    html: '<button id="target">delete</button>',
    attack: (page) => [page.click(page.$('#target'), null)],
    reason: 'changed',
  },
];

describe('control guard: every attack is refused, with its reason, and touches nothing', () => {
  for (const a of ATTACKS) {
    it(a.name, () => {
      const page = mountPage(a.html, a.options);
      a.before?.(page);
      const target = page.$<HTMLInputElement>('#target');
      const value = target.value;
      const seen = watch(page);
      const outcomes = a.attack(page).map(reason);
      seen.splice(0, seen.indexOf('focus') === 0 ? 1 : 0); // the customer's own focus, before the attack
      assertEqual(
        outcomes,
        outcomes.map(() => a.reason),
        'refused, each action',
      );
      assertEqual(seen, [], 'events that reached the target');
      assertEqual(target.value, value, 'value');
      assertEqual(page.root.scrollTop + (target.scrollTop ?? 0), 0, 'nothing scrolled');
    });
  }
});

describe('control guard: the same actions on allowed targets go through (positive controls)', () => {
  it('typing into a plain field, an unmasked field in a masked area, an allowed contenteditable', () => {
    const page = mountPage(
      '<input id="a"><div data-cobrowse-mask><input id="b" data-cobrowse-unmask></div><div id="c" class="notes" contenteditable></div>',
      { editable: '.notes' },
    );
    for (const id of ['a', 'b']) {
      page.$(`#${id}`).focus();
      assertEqual(page.type('ok').map(reason), ['accepted', 'accepted'], id);
      assertEqual(page.$<HTMLInputElement>(`#${id}`).value, 'ok', `${id} typed`);
    }
    page.$('#c').focus();
    assertEqual(page.type('ok').map(reason), ['accepted', 'accepted'], 'contenteditable');
    assertEqual(page.$('#c').textContent, 'ok', 'contenteditable typed');
  });

  it('a same-origin link and form, a listed other origin, the element seen or its child', () => {
    const page = mountPage(
      '<a id="l1" href="/page">same</a><a id="l2" href="https://partner.example/">partner</a><form action="/post"><button id="b">send</button></form><button id="p"><span id="s">in</span></button>',
      { allowedOrigins: [location.origin, 'https://partner.example'], confirmSubmit: false },
    );
    const clicks: string[] = [];
    page.root.addEventListener('click', (e) => (e.preventDefault(), clicks.push((e.target as Element).id)));
    page.root.addEventListener('submit', (e) => e.preventDefault());
    for (const id of ['l1', 'l2', 'b']) assertEqual(reason(page.click(page.$(`#${id}`))), 'accepted', id);
    assertEqual(reason(page.click(page.$('#s'), page.$('#p'))), 'accepted', 'the span inside the button the agent saw');
    assertEqual(clicks, ['l1', 'l2', 'b', 's'], 'clicks reached the page');
  });

  it('Tab never lands in our own UI, and does land on the same button without the ignore mark', () => {
    const page = mountPage(
      '<input id="a"><div data-cobrowse-ignore><button id="ours">stop</button></div><button id="b">b</button><button id="c">c</button>',
    );
    page.$('#a').focus();
    const order = [1, 2, 3].map(() => (page.key('Tab'), document.activeElement?.id));
    assertEqual(order, ['b', 'c', 'a'], 'focus order without our UI');
    page.$('[data-cobrowse-ignore]').removeAttribute('data-cobrowse-ignore');
    page.$('#a').focus();
    page.key('Tab');
    assertEqual(document.activeElement?.id, 'ours', 'the control: unmarked, the button is next');
  });
});
