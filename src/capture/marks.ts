// The attributes that steer the capture, in one place: those a site (or our own elements) puts on the
// page, and the one the capture writes on a blocked element's placeholder. No imports: the sharer's
// elements take IGNORE_ATTR from here without loading the capture.

/** Masks the element's text and the fields inside it (MaskOptions.text). */
export const MASK_ATTR = 'data-cobrowse-mask';
/** Blocks the element: the viewer sees a placeholder of the same size (MaskOptions.block). */
export const BLOCK_ATTR = 'data-cobrowse-block';
/** Shows the element's text and fields even inside a masked ancestor (MaskOptions.unmask). */
export const UNMASK_ATTR = 'data-cobrowse-unmask';
/** Elements carrying it are not captured at all (MaskOptions.ignore); every sharer element has it. */
export const IGNORE_ATTR = 'data-cobrowse-ignore';
/** Written on a blocked element's placeholder, for the viewer. */
export const BLOCKED_ATTR = 'data-cobrowse-blocked';
/** Every attribute above starts with it: a change of one may change an element's masking. */
export const MARK_PREFIX = 'data-cobrowse-';
