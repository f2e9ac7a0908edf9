// The published bundles: the ESM entries (dependencies left as imports, resolved here by the test
// server) and the one-<script>-tag IIFEs expose the same API, and the IIFE works on its own (capture
// a page, mirror it). `npm test` builds dist/ first. test/node/package.test.mjs installs the packed
// package into an app and checks what its bundler makes of the entries.
import * as esm from '../dist/cobrowse-rtc.js';
import * as viewerEntry from '../dist/cobrowse-rtc-viewer.js';
import { approveEveryViewer } from './helpers/approval.js';

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

type Api = typeof esm & typeof viewerEntry;

function loadIife(): Promise<Api> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/dist/cobrowse-rtc.iife.js';
    script.onload = () => resolve((window as unknown as { CobrowseRTC: Api }).CobrowseRTC);
    script.onerror = () => reject(new Error('the IIFE bundle did not load (run npm run build)'));
    document.head.append(script);
  });
}

describe('bundles', () => {
  it('the IIFE global CobrowseRTC has exactly the exports of the main and the viewer ESM entries', async () => {
    const iife = await loadIife();
    const names = (o: object) => Object.keys(o).sort().join(',');
    assert(names(iife) === names({ ...esm, ...viewerEntry }), `IIFE: ${names(iife)}\nESM: ${names({ ...esm, ...viewerEntry })}`);
    for (const name of ['capture', 'Mirror', 'startViewing', 'connectReferenceChat', 'ProtocolError', 'CobrowseViewer']) {
      assert(name in iife, `${name} exported`);
    }
    // internals stay internal: the frame codec, its enums, the chunker, the chat envelope
    for (const name of [
      'encodeFrame',
      'decodeFrame',
      'OpCode',
      'NodeKind',
      'FrameKind',
      'chunkMessage',
      'Reassembler',
      'SIGNAL_PREFIX',
      'PING_MS',
      'shortUrl',
    ]) {
      assert(!(name in iife) && !(name in esm), `${name} is not public`);
    }
  });

  it('the main entry registers no element; the viewer entry registers <cobrowse-viewer> and exports its class', () => {
    assert(!('CobrowseViewer' in esm), 'the main entry has no element');
    assert(customElements.get('cobrowse-viewer') === viewerEntry.CobrowseViewer, "<cobrowse-viewer> is the viewer entry's class");
  });

  it('the IIFE captures a page and mirrors it', async () => {
    const iife = await loadIife();
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const doc = frame.contentDocument!;
    doc.body.innerHTML = '<h1 id=h>Hello <b>bundle</b></h1>';
    const container = document.createElement('div');
    document.body.append(container);
    const mirror = new iife.Mirror(container);
    const handle = iife.capture(doc, { onFrame: (f) => mirror.apply(f) });
    doc.getElementById('h')!.append(' and more');
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
    const text = mirror.document?.getElementById('h')?.textContent;
    assert(text === 'Hello bundle and more', `mirror text: ${text}`);
    handle.stop();
    mirror.destroy();
    frame.remove();
    container.remove();
  });
});

describe('the sharer bundle', () => {
  type SharerApi = typeof import('../dist/cobrowse-rtc-sharer.js');
  function loadSharerIife(): Promise<SharerApi> {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/dist/cobrowse-rtc-sharer.iife.js';
      script.onload = () => resolve((window as unknown as { CobrowseSharer: SharerApi }).CobrowseSharer);
      script.onerror = () => reject(new Error('the sharer IIFE did not load (run npm run build)'));
      document.head.append(script);
    });
  }

  it('the IIFE global CobrowseSharer has exactly the sharer ESM exports: sharing, signaling, elements, no mirror', async () => {
    const esmSharer = await import('../dist/cobrowse-rtc-sharer.js');
    const iife = await loadSharerIife();
    const names = (o: object) => Object.keys(o).sort().join(',');
    assert(names(iife) === names(esmSharer), `IIFE: ${names(iife)}\nESM: ${names(esmSharer)}`);
    for (const name of [
      'startSharing',
      'resumeSharing',
      'createChatSignaling',
      'CobrowseConsent',
      'CobrowseSharingBanner',
      'CobrowseShareButton',
      'CobrowseAnnotations',
      'showAnnotations',
      'showConsent',
      'SessionError',
    ]) {
      assert(name in iife, `${name} exported`);
    }
    // the reference server's clients have their own entry (cobrowse-rtc/reference-server)
    for (const name of ['Mirror', 'startViewing', 'decodeFrame', 'connectReferenceChat', 'createPeerJsSignaling', 'createLoopbackPair']) {
      assert(!(name in iife), `${name} is not in the sharer bundle`);
    }
    // the elements are registered by loading it (ESM or IIFE: whichever defined them first)
    for (const tag of ['cobrowse-consent', 'cobrowse-sharing-banner', 'cobrowse-share-button', 'cobrowse-annotations']) {
      assert(customElements.get(tag), `<${tag}> registered`);
    }
  });
});

describe('the sharer core bundle (no elements, no Lit)', () => {
  type Core = typeof import('../dist/cobrowse-rtc-sharer-core.js');

  /** A real session: `core` shares `doc`, the full ESM bundle views it (handshake, SAS, sealed records). */
  async function shareAndView(core: Core, doc: Document): Promise<void> {
    doc.body.innerHTML = '<h1 id="t">core bundle</h1><input id="card" type="password" value="4111111111111111">';
    const full = await import('../dist/cobrowse-rtc.js');
    const [a, b] = full.createLoopbackPair();
    const secret = 'c2VjcmV0LXNlY3JldC0xMjM0NQ'; // 16+ bytes, base64url
    const container = document.createElement('div');
    document.body.append(container);
    const sharing = await core.startSharing({ approve: approveEveryViewer, document: doc, transport: a, secret });
    const viewing = await full.startViewing({ container, transport: b, secret });
    await viewing.connected;
    const mirrored = viewing.mirror.document!;
    assert(mirrored.getElementById('t')?.textContent === 'core bundle', 'the page is mirrored');
    assert((mirrored.getElementById('card') as HTMLInputElement).value !== '4111111111111111', 'the password is masked');
    assert(viewing.sas !== null && viewing.sas === sharing.sas, `both sides show one code: ${viewing.sas} / ${sharing.sas}`);
    // the viewer's sealed messages reach the sharer too (a resync is answered with a fresh snapshot)
    mirrored.getElementById('t')!.textContent = 'stale';
    viewing.resync();
    const restored = () => viewing.mirror.document?.getElementById('t')?.textContent === 'core bundle';
    for (let i = 0; i < 250 && !restored(); i++) await new Promise((r) => setTimeout(r, 20));
    assert(restored(), 'a resync from the viewer was answered');
    sharing.stop();
    viewing.stop();
    container.remove();
  }

  it('exports the sharer bundle minus the elements, registers no element, and shares a page to a viewer', async () => {
    const core = await import('../dist/cobrowse-rtc-sharer-core.js');
    const sharer = await import('../dist/cobrowse-rtc-sharer.js');
    const elementExports = [
      'CobrowseConsent',
      'requestConsent',
      'showConsent',
      'CobrowseSharingBanner',
      'CobrowseShareButton',
      'CobrowseAnnotations',
      'showAnnotations',
      'IGNORE_ATTR',
      'setMessages',
    ];
    const expected = Object.keys(sharer)
      .filter((k) => !elementExports.includes(k))
      .sort()
      .join(',');
    assert(Object.keys(core).sort().join(',') === expected, `core: ${Object.keys(core).sort().join(',')}\nexpected: ${expected}`);
    // loaded into a fresh window, it defines no custom element (the main window's registry already
    // holds the sharer bundle's)
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const win = frame.contentWindow as Window & { __core?: Record<string, unknown> };
    await new Promise<void>((resolve, reject) => {
      const script = win.document.createElement('script');
      script.type = 'module';
      script.textContent = `import * as core from '${location.origin}/dist/cobrowse-rtc-sharer-core.js'; window.__core = core;`;
      script.onerror = () => reject(new Error('the core bundle did not load'));
      win.document.head.append(script);
      const wait = () => (win.__core ? resolve() : setTimeout(wait, 20));
      wait();
    });
    for (const tag of ['cobrowse-consent', 'cobrowse-sharing-banner', 'cobrowse-share-button', 'cobrowse-annotations']) {
      assert(!win.customElements.get(tag), `<${tag}> is not defined by the core bundle`);
    }
    // a real session: the core shares the frame's page, the full bundle views it
    await shareAndView(core, win.document);
    frame.remove();
  });

  it('the one-<script>-tag IIFE (tweetnacl with only what the channel uses) shares a page over the secure channel', async () => {
    // loaded here, not in the frame: the loopback transport hands this window's Uint8Arrays over, which
    // another window's `instanceof Uint8Array` (tweetnacl's argument check) would refuse
    type Global = { CobrowseSharer?: Core };
    const before = (window as Global).CobrowseSharer; // the sharer IIFE's, if its test ran first
    const core = await new Promise<Core | undefined>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/dist/cobrowse-rtc-sharer-core.iife.js';
      script.onload = () => resolve((window as Global).CobrowseSharer);
      script.onerror = () => reject(new Error('the core IIFE did not load (run npm run build)'));
      document.head.append(script);
    });
    (window as Global).CobrowseSharer = before;
    assert(core && core !== before && !('CobrowseConsent' in core), 'the core IIFE defines CobrowseSharer');
    const frame = document.createElement('iframe');
    document.body.append(frame);
    await shareAndView(core, frame.contentDocument!);
    frame.remove();
  });
});
