import { CodedError } from '../errors.js';

/** Why a frame was rejected. */
export type ProtocolErrorCode =
  | 'version' // unknown version byte
  | 'truncated' // the frame ends inside a field
  | 'varint' // a varint longer than 5 bytes or over 2^32 - 1
  | 'utf8' // a string that is not valid UTF-8
  | 'string-ref' // a string index outside the table, or a bad string header
  | 'table-full' // the frame grows the string table past its limit
  | 'op' // unknown op code or frame kind
  | 'node' // unknown node kind, or a node where it cannot be
  | 'depth' // a tree deeper than MAX_DEPTH
  | 'id' // a node id that is 0, reused in one frame, or unknown to the mirror
  | 'sequence' // a delta that does not follow the last applied frame
  | 'state'; // a frame that does not fit the viewer's state (e.g. a delta before any snapshot)

/**
 * A frame that cannot be applied. Thrown by the decoder and the mirror; the mirror is left exactly as
 * it was before the frame.
 */
export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = 'ProtocolError';
  constructor(
    code: ProtocolErrorCode,
    message: string,
    /** Byte offset in the frame where the problem was found, when known. */
    readonly offset = -1,
  ) {
    super(code, offset >= 0 ? `${message} (at byte ${offset})` : message);
  }
}
