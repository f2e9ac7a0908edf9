// The numbers of the wire format. SPEC.md beside this file says what each one means.

export const PROTOCOL_VERSION = 1;

export const enum FrameKind {
  Snapshot = 0,
  Delta = 1,
}

export const enum OpCode {
  Meta = 1,
  Viewport = 2,
  Tree = 3,
  Remove = 4,
  Text = 5,
  Attr = 6,
  AttrDel = 7,
  Value = 8,
  Checked = 9,
  Selected = 10,
  Scroll = 11,
  Focus = 12,
  Selection = 13,
  Hover = 14,
  Pointer = 15,
  Click = 16,
  SheetNew = 17,
  SheetRules = 18,
  SheetInsert = 19,
  SheetDelete = 20,
  Adopt = 21,
  Media = 22,
  Canvas = 23,
  Dialog = 24,
  Loaded = 25,
}
export const MAX_OP_CODE = 25;

export const enum NodeKind {
  End = 0,
  HtmlElement = 1,
  SvgElement = 2,
  MathElement = 3,
  OtherElement = 4,
  Text = 5,
  Comment = 6,
  CData = 7,
  Doctype = 8,
  Document = 9,
  Shadow = 10,
  Fragment = 11,
  Ref = 12,
}

/** Element flags (one byte after the attributes). */
export const enum ElementFlag {
  Value = 1,
  Checked = 2,
  Selected = 4,
  Shadow = 8,
  Template = 16,
  Frame = 32,
  /** An `<img>` the sharer's page has not loaded yet (a LOADED op follows when it has). */
  Unloaded = 64,
}

export const enum DialogState {
  Closed = 0,
  Open = 1,
  Modal = 2,
}

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';
export const HTML_NS = 'http://www.w3.org/1999/xhtml';

/** Entries the persistent string table may hold (deltas intern into it, snapshots carry it). */
export const MAX_PERSISTENT_STRINGS = 4096;
/** Entries in all, persistent plus a snapshot's frame-local ones. */
export const MAX_STRINGS = 65536;
/** Deepest tree a frame may carry; capture stops descending here, the decoder rejects deeper. */
export const MAX_DEPTH = 16384;
/**
 * Deepest element the mirror lays out (a viewer rule, not a wire limit: SPEC.md "Limits"). Chromium's
 * renderer crashes laying out a tree 290 inline-tables or 2,950 blocks deep; the mirror keeps whatever
 * lies deeper than this out of its documents (src/mirror/depth.ts says how and why this number).
 */
export const MAX_RENDER_DEPTH = 200;
/**
 * Most nodes the copies of SVG `<use>`s may hold in a mirrored page (a viewer rule, like the depth cap:
 * a `<use>` that would take the copies past it is not shown; src/mirror/uses.ts says why this number).
 */
export const MAX_USE_NODES = 20_000;
/**
 * Most elements one SVG resource (`<mask>`, `<clipPath>`, `<pattern>`, `<marker>`) may paint with the
 * resources it refers to, and the page's elements through the larger ones (a viewer rule: references
 * past it are not painted; src/mirror/paints.ts says why). MAX_PAINT_NESTING: resources one in another.
 */
export const MAX_PAINT_COPIES = 10_000;
export const MAX_PAINT_NESTING = 16;
/** Largest node id (ids are uv, < 2^32). */
export const MAX_ID = 0xffffffff;

/** The sheet ref of a `<style>`/`<link>` element's sheet. */
export const ownerSheetRef = (nodeId: number): number => nodeId * 2;
/** The sheet ref of a constructed sheet. */
export const constructedSheetRef = (sheetId: number): number => sheetId * 2 + 1;
