// What a synchronization primitive or a queue knows about a wait on it, for the verdicts and the
// wait-for graph (runtime/verdict.ts, runtime/deadlock.ts). Each primitive keeps these facts where
// they happen (a Lock's holder when it is taken, a Queue's recent producers when they put) and hands
// them over only when asked: nothing here is formatted or allocated on the hot path.
import type { Task } from './task';

/** A task holding a primitive, and the await site (sites.ts id) where it took it. */
export interface Holding {
  readonly task: Task<unknown>;
  readonly site: number;
}

export type WaitFacts =
  | { readonly kind: 'lock'; readonly holder: Holding | null }
  | { readonly kind: 'semaphore'; readonly name: string; readonly holders: readonly Holding[]; readonly value: number }
  | { readonly kind: 'event'; readonly isSet: boolean; readonly waiters: number }
  | { readonly kind: 'condition'; readonly waiters: number }
  | {
      readonly kind: 'queue';
      readonly name: string;
      readonly size: number;
      readonly maxsize: number;
      /** Tasks that put into it lately, done ones included (the verdict keeps the live ones). */
      readonly producers: readonly Task<unknown>[];
      /** Tasks that took from it lately. */
      readonly consumers: readonly Task<unknown>[];
      readonly unfinished: number;
    };

/** What a primitive's wait reason points back to (WaitReason 'primitive', `owner`). */
export interface WaitOwner {
  _waitFacts(): WaitFacts;
}

/** How many recent producers (consumers) a queue remembers: enough to name them, bounded. */
const RECENT = 4;

/**
 * Remembers `task` among the few most recent distinct tasks of `list`, dropping done ones first:
 * a long-running server whose connections each put into a queue keeps at most RECENT of them.
 */
export function noteRecent(list: Task<unknown>[], task: Task<unknown>): void {
  if (list.includes(task)) return;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.done()) list.splice(i, 1);
  if (list.length >= RECENT) list.shift();
  list.push(task);
}
