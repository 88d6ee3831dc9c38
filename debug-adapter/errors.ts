// The errors a request answers with: the session turns them into error responses (never crashes).

/** An error whose message is the answer (bad expression, a value that cannot be set); show-user.ts decides if it pops up. */
export class UserError extends Error {}

/** A reference (variablesReference, frameId) from an earlier stop: answered quietly, never a notification. */
export class StaleReferenceError extends Error {}
