/**
 * Strings of the elements, in English and Japanese. Each element family keeps its own catalog
 * (strings/*.ts, `{ en: {...}, ja: {...} }` with the same keys); `translate` picks the language:
 * the element's `lang` attribute (or the nearest ancestor's), then the document's, then the
 * browser's, then English. A site adds or overrides strings with `setMessages`.
 */
export type Catalog<K extends string> = { en: Record<K, string>; ja: Record<K, string> } & Record<string, Partial<Record<K, string>>>;

const overrides = new Map<string, Record<string, string>>();

/** Adds or replaces strings for a language (`setMessages('fr', { allow: 'Autoriser' })`). */
export function setMessages(lang: string, messages: Record<string, string>): void {
  overrides.set(lang, { ...overrides.get(lang), ...messages });
}

/** The language for an element: its `lang` (inherited), the document's, the browser's. */
export function languageOf(el: Element | null): string {
  const own = el?.closest('[lang]')?.getAttribute('lang') || el?.ownerDocument?.documentElement.lang;
  return (own || (typeof navigator !== 'undefined' ? navigator.language : '') || 'en').toLowerCase();
}

/** `{name}` placeholders are filled from `values`. */
export function translate<K extends string>(catalog: Catalog<K>, lang: string, key: K, values?: Record<string, string | number>): string {
  const base = lang.split('-')[0]!;
  const text = overrides.get(lang)?.[key] ?? overrides.get(base)?.[key] ?? catalog[lang]?.[key] ?? catalog[base]?.[key] ?? catalog.en[key];
  return values ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`)) : text;
}
