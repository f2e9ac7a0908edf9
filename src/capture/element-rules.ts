// What the capture writes of an element, decided by its name alone: which children are never written,
// which attributes are dropped or masked with text, which fields carry a value. The serializer and the
// delta builder both read these, so they cannot drift apart.

/**
 * Elements whose children are never captured: script text (may hold user data, never useful), and
 * the fallback content of `<noscript>` and `<canvas>`, which the sharer (scripting on) never shows but
 * the viewer's script-less iframe would.
 */
export const CHILDLESS = new Set(['script', 'noscript', 'canvas']);

/** Attributes that show text to a person: masked with the text of a masked element. */
export const TEXT_ATTRS = new Set(['title', 'alt', 'placeholder', 'aria-label', 'aria-description', 'aria-valuetext', 'label']);

/** Input types whose `value` is what the user typed or chose (not buttons, not files). */
export const VALUE_INPUT_TYPES = new Set([
  'text',
  'search',
  'email',
  'url',
  'tel',
  'password',
  'number',
  'range',
  'color',
  'date',
  'datetime-local',
  'month',
  'week',
  'time',
  'hidden',
]);

export function isFormField(tag: string): boolean {
  return tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'option';
}

/** `on*` attributes are page script: never useful to the viewer, never written. */
export function isEventHandler(name: string): boolean {
  return name.length > 2 && (name.charCodeAt(0) | 32) === 111 && (name.charCodeAt(1) | 32) === 110; // /^on/i
}
