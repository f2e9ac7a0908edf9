// Edits of a CSS rule's declarations through CSSOM (`rule.style.color = 'red'`, setProperty,
// removeProperty, cssText), of its selector or key, and of @keyframes: none of them touches the DOM or
// goes through insertRule/deleteRule. The styles watcher resends the owning sheet.
//
// Where the hooks can go, measured in Chromium 156: CSSStyleDeclaration.prototype has only two
// accessors with a setter (`cssText`, `cssFloat`) and the methods; the ~600 camelCase/dashed property
// names (`color`, `background-color`...) are not on any prototype: they are a named-property
// interceptor on each instance, which no prototype patch can see. (Firefox puts them on
// CSS2Properties.prototype as real accessors, which the loop below patches.) So, for rule
// declarations only, the `style` getter of the rule prototypes returns a Proxy of the declaration
// whose `set` trap reports the edit. Element inline styles (`el.style`, `parentRule === null`) are
// never proxied and their hooks return at once: those edits arrive as `style` attribute mutations.
import { afterMethod, afterSetter, wrapGetter } from '../../patches.js';

type Changed = (rule: CSSRule | null) => void;

/** Rule interfaces that own a declaration block as `style` (those missing in a browser are skipped). */
const STYLE_RULES = [
  'CSSStyleRule',
  'CSSPageRule',
  'CSSFontFaceRule',
  'CSSKeyframeRule',
  'CSSNestedDeclarations',
  'CSSPositionTryRule',
  'CSSFunctionDeclarations',
] as const;
/** Prototypes that may carry per-property accessors (not Chromium; see above). */
const DECLARATION_PROTOS = ['CSSStyleDeclaration', 'CSSStyleProperties', 'CSS2Properties'] as const;

export function declarationPatches(win: Window & typeof globalThis, changed: Changed): Array<() => void> {
  const undo: Array<() => void> = [];
  const w = win as unknown as Record<string, { prototype: object } | undefined>;
  const ofDecl = (decl: CSSStyleDeclaration) => {
    const rule = decl.parentRule; // null for inline and computed styles: nothing to do
    if (rule) changed(rule);
  };
  const ofRule = (rule: CSSRule) => changed(rule);

  for (const name of DECLARATION_PROTOS) {
    const proto = w[name]?.prototype as CSSStyleDeclaration | undefined;
    if (!proto) continue;
    if (Object.prototype.hasOwnProperty.call(proto, 'setProperty')) {
      undo.push(afterMethod(proto, 'setProperty', ofDecl), afterMethod(proto, 'removeProperty', ofDecl));
    }
    for (const key of Object.getOwnPropertyNames(proto)) {
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      if (desc?.set) undo.push(afterSetter(proto, key, ofDecl));
    }
  }
  for (const name of STYLE_RULES) {
    const proto = w[name]?.prototype as CSSRule | undefined;
    if (!proto) continue;
    undo.push(proxyStyle(proto, changed));
    for (const key of ['selectorText', 'keyText']) {
      if (Object.getOwnPropertyDescriptor(proto, key)?.set) undo.push(afterSetter(proto, key, ofRule));
    }
  }
  const K = w.CSSKeyframesRule?.prototype as CSSKeyframesRule | undefined;
  if (K) undo.push(afterMethod(K, 'appendRule', ofRule), afterMethod(K, 'deleteRule', ofRule), afterSetter(K, 'name', ofRule));
  return undo;
}

// ---- the `style` getter: a Proxy of rule declarations ------------------------------------------------
// Chromium has no prototype setters for `decl.color = ...`: the only way to see such an edit of a rule
// is to hand out a Proxy of the rule's declaration (patches.ts `wrapGetter`: installed once per
// prototype, restored when the last capture stops). Proxies are cached per declaration so
// `rule.style === rule.style`.

const styleListeners = new Set<Changed>();
const proxies = new WeakMap<object, object>();
const targets = new WeakMap<object, object>();
/** Methods read through a proxy, bound to the real declaration (cached: `p.setProperty === p.setProperty`). */
const bound = new WeakMap<(...a: unknown[]) => unknown, (...a: unknown[]) => unknown>();

function notify(rule: CSSRule | null): void {
  for (const l of styleListeners) {
    try {
      l(rule);
    } catch {
      // never break the page's assignment
    }
  }
}

const handler: ProxyHandler<CSSStyleDeclaration> = {
  get(target, prop) {
    const v = Reflect.get(target, prop, target);
    if (typeof v !== 'function') return v;
    const fn = v as (...a: unknown[]) => unknown;
    let b = bound.get(fn);
    if (!b) {
      b = function (this: unknown, ...args: unknown[]) {
        return fn.apply((this !== null && typeof this === 'object' && targets.get(this)) || this, args);
      };
      bound.set(fn, b);
    }
    return b;
  },
  set(target, prop, value) {
    const ok = Reflect.set(target, prop, value, target);
    if (styleListeners.size && typeof prop === 'string') notify(target.parentRule);
    return ok;
  },
};

function proxied(decl: unknown): unknown {
  if (decl === null || typeof decl !== 'object') return decl;
  let p = proxies.get(decl);
  if (!p) {
    p = new Proxy(decl as CSSStyleDeclaration, handler);
    proxies.set(decl, p);
    targets.set(p, decl);
  }
  return p;
}

function proxyStyle(proto: object, changed: Changed): () => void {
  styleListeners.add(changed);
  // `rule.style = 'color: red'` forwards to cssText inside the browser (no JS setter runs): the
  // setter's listener reports it
  const off = wrapGetter(proto, 'style', proxied, (rule) => changed(rule as CSSRule));
  let done = false;
  return () => {
    if (done) return;
    done = true;
    styleListeners.delete(changed);
    off();
  };
}
