/**
 * The base of every error this library throws or reports with a `code`: ProtocolError, SecureError,
 * TransportError, SignalingError, ReferenceChatError and SessionError. A caller can tell them from
 * other errors in one check (`error instanceof CodedError`) and branch on `code`, whichever layer
 * the error came from; each class's own `instanceof` and its `code` type still say which layer.
 *
 * It imports nothing, so every layer — the protocol at the bottom included — extends it without an
 * import cycle.
 */
export abstract class CodedError<C extends string = string> extends Error {
  /**
   * The class's name, as a string literal in each subclass: `new.target.name` would be whatever the
   * minifier renamed the class to in the bundles.
   */
  abstract override readonly name: string;

  constructor(
    /** What went wrong, as a stable string (the subclass lists its codes). */
    readonly code: C,
    message: string,
  ) {
    super(message);
  }
}
