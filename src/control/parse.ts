// The agent's actions as they arrive from the viewer (JSON already parsed): exactly the shapes of
// actions.ts, or null. What the page then does with them is the guard's and the replay's to decide.
import { isPrintable, NAMED_KEYS, type ControlAction } from './actions.js';

const COORD = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const INDEX = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31;
const FLAG = (v: unknown): v is boolean => typeof v === 'boolean';

/** One of the agent's actions, exactly as src/control/actions.ts types it, or null (the sharer decides the rest). */
export function parseAction(value: unknown): ControlAction | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  switch (v.a) {
    case 'move':
      return COORD(v.x) && COORD(v.y) ? { a: 'move', x: v.x, y: v.y } : null;
    case 'click':
      return COORD(v.x) && COORD(v.y) && INDEX(v.id) ? { a: 'click', x: v.x, y: v.y, id: v.id } : null;
    case 'key': {
      const { key, shift, ctrl, alt, meta } = v;
      if (typeof key !== 'string' || !(NAMED_KEYS.has(key) || isPrintable(key))) return null;
      return FLAG(shift) && FLAG(ctrl) && FLAG(alt) && FLAG(meta) ? { a: 'key', key, shift, ctrl, alt, meta } : null;
    }
    case 'scroll':
      return INDEX(v.id) && COORD(v.x) && COORD(v.y) && v.x >= 0 && v.y >= 0 ? { a: 'scroll', id: v.id, x: v.x, y: v.y } : null;
    case 'select':
      return INDEX(v.id) && INDEX(v.index) ? { a: 'select', id: v.id, index: v.index } : null;
    default:
      return null;
  }
}
