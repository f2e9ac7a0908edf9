// @ts-check
// The masking rules a customer's `accept` may describe (`mask`), checked and normalized before they
// are relayed to the room and kept in the audit log. A description, not an enforcement: masking
// happens in the customer's browser; this records what the customer's page says it applied.
const LISTS = ['text', 'block', 'unmask', 'ignore'];
const INPUTS = new Set(['all', 'sensitive', 'none']);
export const MASK_LIMITS = { selectors: 32, selectorChars: 256, bytes: 2048 };

/**
 * @param {unknown} value  the `mask` field of an accept
 * @returns {{ text?: string[], block?: string[], unmask?: string[], ignore?: string[], inputs?: string }}
 * @throws {Error} with a message that says what is wrong
 */
export function checkMask(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error('`mask` must be an object like { text: [...], block: [...], inputs: "sensitive" }');
  /** @type {Record<string, string[] | string>} */
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'inputs') {
      if (typeof v !== 'string' || !INPUTS.has(v)) throw new Error('`mask.inputs` must be "all", "sensitive" or "none"');
      out.inputs = v;
    } else if (LISTS.includes(k)) {
      const list = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(list) || list.length > MASK_LIMITS.selectors)
        throw new Error(`\`mask.${k}\` must be a selector or a list of at most ${MASK_LIMITS.selectors}`);
      for (const s of list) {
        if (typeof s !== 'string' || s.trim() === '' || s.length > MASK_LIMITS.selectorChars)
          throw new Error(`\`mask.${k}\`: each selector must be a non-empty string of at most ${MASK_LIMITS.selectorChars} characters`);
      }
      out[k] = list.map((s) => s.trim());
    } else {
      throw new Error(`\`mask\` has an unknown field "${k.slice(0, 32)}": expected ${[...LISTS, 'inputs'].join(', ')}`);
    }
  }
  if (Buffer.byteLength(JSON.stringify(out)) > MASK_LIMITS.bytes) throw new Error(`\`mask\` is over ${MASK_LIMITS.bytes} bytes`);
  return out;
}
