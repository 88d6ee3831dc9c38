// The custom request `coroscope/timeline` (the extension's Loop Timeline panel; shape in
// extension/ADAPTER-CONVENTIONS.md): the loop's last iterations from the runtime's journal, with the
// callbacks each ran and a lane per task. Answered while the program is stopped.
import { UserError } from './errors';

export const TIMELINE_REQUEST = 'coroscope/timeline';
/** Iterations sent when the client does not say; the journal keeps at most ITERATIONS_KEPT. */
export const DEFAULT_ITERATIONS = 200;
export const ITERATIONS_KEPT = 10_000;

export interface TimelineArguments {
  /** How many of the latest iterations (1..10000, default 200). */
  count?: number;
}

/** The validated `count` of a timeline request. */
export function timelineCount(args: TimelineArguments): number {
  const count = args.count;
  if (count === undefined) return DEFAULT_ITERATIONS;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > ITERATIONS_KEPT) {
    throw new UserError(`${TIMELINE_REQUEST}: "count" must be an integer from 1 to ${ITERATIONS_KEPT} (got ${JSON.stringify(count)})`);
  }
  return count;
}
