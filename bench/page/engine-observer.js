// The floor of any DOM-recording engine: a MutationObserver with capture's options and a callback that
// does nothing. What an app loses with it on is what the browser spends making mutation records, which
// no MutationObserver-based capture (ours, rrweb) can avoid. One byte per delivery, so the harness sees
// frames (its window ends at the last one).
const OPTIONS = {
  subtree: true,
  childList: true,
  attributes: true,
  characterData: true,
  attributeOldValue: true,
  characterDataOldValue: true,
};

window.__engine = {
  name: 'observer',
  start(doc, onEmit) {
    onEmit(new Uint8Array(1));
    const observer = new MutationObserver(() => onEmit(new Uint8Array(1)));
    observer.observe(doc, OPTIONS);
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) {
          observer.observe(el.shadowRoot, OPTIONS);
          walk(el.shadowRoot);
        }
      }
    };
    walk(doc); // shadow roots attached before the start (an app mounted already)
    // shadow roots too (Lit renders into them), as every capture must
    const proto = Element.prototype;
    const attach = proto.attachShadow;
    proto.attachShadow = function (init) {
      const root = attach.call(this, init);
      observer.observe(root, OPTIONS);
      return root;
    };
    return () => {
      proto.attachShadow = attach;
      observer.disconnect();
    };
  },
  isSnapshot: () => false,
  whole: (frames) => new Uint8Array(frames.length),
  each: (frames) => frames,
};
