// Every patch capture puts on the page's prototypes goes through here, so `stop()` is exact.
//
// A prototype member is patched once however many captures run, and restored when the last one
// stops. The wrapper calls the page's original first, then our listeners; a listener that throws never
// breaks the page (its error is logged once). If another script patched the same member after us, we
// leave its wrapper in place on restore and ours becomes a plain pass-through.

type Listener = (self: unknown, args: readonly unknown[], result: unknown) => void;

interface Hub {
  listeners: Set<Listener>;
  original: PropertyDescriptor;
  installed: PropertyDescriptor;
  target: object;
  name: PropertyKey;
}

const hubs = new Map<object, Map<PropertyKey, Hub>>();
let loggedListenerError = false;

function callListeners(hub: Hub, self: unknown, args: readonly unknown[], result?: unknown): void {
  for (const listener of hub.listeners) {
    try {
      listener(self, args, result);
    } catch (err) {
      if (!loggedListenerError) {
        loggedListenerError = true;
        console.error('cobrowse-rtc: a capture hook failed (page unaffected)', err);
      }
    }
  }
}

function findDescriptor(target: object, name: PropertyKey): PropertyDescriptor | undefined {
  return Object.getOwnPropertyDescriptor(target, name);
}

function hubFor(target: object, name: PropertyKey, make: (hub: Hub) => PropertyDescriptor): Hub | null {
  let byName = hubs.get(target);
  let hub = byName?.get(name);
  if (hub) return hub;
  const original = findDescriptor(target, name);
  if (!original || !original.configurable) return null;
  hub = { listeners: new Set(), original, installed: original, target, name };
  hub.installed = make(hub);
  Object.defineProperty(target, name, hub.installed);
  if (!byName) hubs.set(target, (byName = new Map()));
  byName.set(name, hub);
  return hub;
}

function release(hub: Hub, listener: Listener): void {
  hub.listeners.delete(listener);
  if (hub.listeners.size) return;
  const current = findDescriptor(hub.target, hub.name);
  const stillOurs =
    current && current.value === hub.installed.value && current.set === hub.installed.set && current.get === hub.installed.get;
  // not still ours: someone wrapped us; our wrapper stays and does nothing but call through (no listeners)
  if (stillOurs) {
    Object.defineProperty(hub.target, hub.name, hub.original);
    const byName = hubs.get(hub.target);
    byName?.delete(hub.name);
    // forget the prototype itself too: an entry would keep a removed iframe's whole realm alive
    // (found by the leak test: ~480 KB per same-origin iframe added and removed while capturing)
    if (byName && !byName.size) hubs.delete(hub.target);
  }
}

/**
 * After every call of `target[name](...)` (a method on a prototype), calls `after(this, args, result)`.
 * Returns the function that removes this listener. Returns a no-op when the member does not exist.
 */
export function afterMethod<T extends object>(
  target: T,
  name: keyof T & PropertyKey,
  after: (self: T, args: readonly unknown[], result: unknown) => void,
): () => void {
  const listener = after as Listener;
  const hub = hubFor(target, name, (h) => {
    const original = h.original.value as (...a: unknown[]) => unknown;
    return {
      ...h.original,
      value: function (this: unknown, ...args: unknown[]) {
        const result = original.apply(this, args);
        if (h.listeners.size) callListeners(h, this, args, result);
        return result;
      },
    };
  });
  if (!hub || typeof hub.original.value !== 'function') return () => {};
  hub.listeners.add(listener);
  return () => release(hub, listener);
}

/** After every assignment `obj[name] = value` through an accessor on `target`, calls `after(obj, value)`. */
export function afterSetter<T extends object>(target: T, name: PropertyKey, after: (self: T, value: unknown) => void): () => void {
  const listener: Listener = (self, args) => after(self as T, args[0]);
  const hub = hubFor(target, name, (h) => {
    const set = h.original.set;
    if (!set) return h.original;
    return {
      ...h.original,
      set(this: unknown, value: unknown) {
        set.call(this, value);
        if (h.listeners.size) callListeners(h, this, [value]);
      },
    };
  });
  if (!hub || !hub.original.set) return () => {};
  hub.listeners.add(listener);
  return () => release(hub, listener);
}

/** Our wrappers of instances' own setters: a second capture must not wrap one twice. */
const ownWrappers = new WeakSet<object>();

/**
 * Lets the listeners of `name` on `el`'s prototype (afterSetter) hear writes through an accessor `el`
 * defines itself. React's value tracker gives each field one, calling the prototype setter it saw at
 * mount: when capture started later, that is the page's original and our patch never runs. The
 * wrapper holds nothing of capture's (no registry, nothing kept alive): it looks the listeners up at
 * each write, and the first write after the last capture stopped puts the page's accessor back.
 */
export function hookOwnSetter(el: object, name: PropertyKey): void {
  const d = findDescriptor(el, name);
  const set = d?.set;
  if (!set || !d.configurable || ownWrappers.has(set)) return;
  const wrapper = function (this: object, value: unknown) {
    set.call(this, value);
    const hub = hubs.get(Object.getPrototypeOf(el) as object)?.get(name);
    if (hub?.listeners.size) callListeners(hub, this, [value]);
    else if (findDescriptor(el, name)?.set === wrapper) Object.defineProperty(el, name, d);
  };
  ownWrappers.add(wrapper);
  Object.defineProperty(el, name, { ...d, set: wrapper });
}

/**
 * Makes the getter `target[name]` return `wrap(value)` while any listener is registered, and calls
 * `afterSet(obj, value)` after every assignment through its setter. `wrap` must be the same function
 * for every caller of one member (it is fixed when the member is first patched).
 */
export function wrapGetter<T extends object>(
  target: T,
  name: PropertyKey,
  wrap: (value: unknown) => unknown,
  afterSet: (self: T, value: unknown) => void,
): () => void {
  const listener: Listener = (self, args) => afterSet(self as T, args[0]);
  const hub = hubFor(target, name, (h) => {
    const { get, set } = h.original;
    if (!get) return h.original;
    return {
      ...h.original,
      get(this: unknown) {
        const value = get.call(this);
        return h.listeners.size ? wrap(value) : value;
      },
      set: set
        ? function (this: unknown, value: unknown) {
            set.call(this, value);
            if (h.listeners.size) callListeners(h, this, [value]);
          }
        : undefined,
    };
  });
  if (!hub || !hub.original.get) return () => {};
  hub.listeners.add(listener);
  return () => release(hub, listener);
}

/** How many members are patched right now (for leak tests: 0 after every capture stopped). */
export function activePatchCount(): number {
  let n = 0;
  for (const byName of hubs.values()) n += byName.size;
  return n;
}
