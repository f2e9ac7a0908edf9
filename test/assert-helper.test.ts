// The assertion helper checks itself: every other test leans on assertEqual, and a helper that calls any
// two nodes equal (as it once did: nodes have no own enumerable keys) silently disables focus, selection
// and counterpart checks across the suite.
import { assertEqual, assertNotEqual, assertThrows, describe, it } from './helpers/assert.js';

/** assertEqual(a, b) must throw: the helper tells them apart. */
function different(a: unknown, b: unknown, what: string): void {
  assertThrows(() => assertEqual(a, b), `assertEqual passed for ${what}`);
  assertNotEqual(a, b, what);
}

describe('assertEqual', () => {
  it('compares nodes, windows and functions by identity', () => {
    const p = document.createElement('p');
    const q = document.createElement('p');
    assertEqual(p, p, 'the same node');
    different(p, q, 'two distinct elements with the same markup');
    different(document.createTextNode('a'), document.createTextNode('a'), 'two distinct text nodes');
    different(p, null, 'a node and null');
    const frame = document.body.appendChild(document.createElement('iframe'));
    try {
      assertEqual(frame.contentWindow, frame.contentWindow, 'the same window');
      different(window, frame.contentWindow, 'two windows');
    } finally {
      frame.remove();
    }
    different(
      () => 1,
      () => 1,
      'two functions with the same source',
    );
    class Box {
      constructor(readonly v: number) {}
    }
    different(new Box(1), new Box(1), 'two class instances (not plain data)');
  });

  it('compares plain objects and arrays structurally, nodes inside them by identity', () => {
    assertEqual({ a: [1] }, { a: [1] }, '{a:[1]}');
    assertEqual({ a: 1, b: 2 }, { b: 2, a: 1 }, 'key order does not matter');
    different({ a: [1] }, { a: [2] }, 'a different element');
    different({ a: 1 }, { a: 1, b: undefined }, 'an extra key, even undefined');
    different([1, 2], { 0: 1, 1: 2 }, 'an array and an object with the same keys');
    different([], {}, 'an empty array and an empty object');
    const p = document.createElement('p');
    assertEqual({ n: p, list: [p] }, { n: p, list: [p] }, 'the same node inside');
    different({ n: p }, { n: document.createElement('p') }, 'distinct nodes inside');
    // objects made in another realm (the sharer and mirror iframes) are plain data there too
    const frame = document.body.appendChild(document.createElement('iframe'));
    try {
      const FrameObject = (frame.contentWindow as unknown as { Object: ObjectConstructor }).Object;
      const foreign = FrameObject.assign(new FrameObject(), { a: 1 });
      assertEqual(foreign, { a: 1 }, 'a plain object of another realm');
    } finally {
      frame.remove();
    }
  });

  it('compares typed arrays element by element, of the same kind; Maps, Sets and Dates by content', () => {
    assertEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]), 'bytes');
    different(new Uint8Array([1, 2]), new Uint8Array([1, 3]), 'one byte changed');
    different(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]), 'one byte longer');
    different(new Uint8Array([1]), new Uint8ClampedArray([1]), 'a different typed array kind');
    different(new Uint8Array([1]), [1], 'a typed array and an array');
    assertEqual(new Float64Array([NaN]), new Float64Array([NaN]), 'NaN is NaN');
    assertEqual(new Map([['k', [1]]]), new Map([['k', [1]]]), 'maps');
    different(new Map([['k', 1]]), new Map([['k', 2]]), 'a map value');
    assertEqual(new Set([1, 'a']), new Set(['a', 1]), 'sets');
    different(new Set([1]), new Set([2]), 'a set member');
    assertEqual(new Date(5), new Date(5), 'dates');
    different(new Date(5), new Date(6), 'dates apart');
  });
});
