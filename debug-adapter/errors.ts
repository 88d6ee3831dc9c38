// The errors a request answers with: the session turns them into error responses (never crashes).

/** A user-facing error (bad expression, unknown frame, a value that cannot be set): shown to the user. */
export class UserError extends Error {}

/** A reference (variablesReference, frameId) from an earlier stop: answered quietly, not shown. */
export class StaleReferenceError extends Error {}
