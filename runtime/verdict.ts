// Why a task is stuck, in one phrase: from the future it awaits, follow what can complete it (a
// timer, an fd, another task, a Lock's holder, a Queue's producers, ...) to the end of the chain.
// Computed when a snapshot or a report asks, never on the hot path: the primitives only keep facts
// (runtime/wait-facts.ts). The same walk gives the wait-for graph's edges (runtime/deadlock.ts).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { EventLoop } from './event-loop';
import { creationStack, Future, type WaitReason } from './future';
import { isRuntimeFrame } from './runtime-frames';
import { siteOf, type Site } from './sites';
import { describeAddress, getpeername, getsockname, getSockOptInt } from './sys/calls';
import { C } from './sys/constants';
import type { SockAddress } from './sys/sockaddr';
import { Task } from './task';
import type { Holding, WaitFacts } from './wait-facts';

/** How far a chain is followed, and how many children of a gather are each explained. */
const MAX_DEPTH = 6;
const MAX_CHILDREN = 3;

/** What a verdict reads of the loop and its tasks (a snapshot's Context has all of it). */
export interface VerdictContext {
  readonly loop: EventLoop | null;
  readonly now: number;
  /** Live children by parent task id (TaskGroup members, created tasks). */
  readonly children: Map<number, number[]>;
  readonly tasks: Map<number, Task<unknown>>;
}

/** `Lock a held by c2 (pipeline.ts:35), which waits for …`, `wakes in 3.2 s`, `running`, `ready to run`. */
export function verdictOf(t: Task<unknown>, ctx: VerdictContext): string {
  const walk = new Walk(ctx);
  const p = walk.task(t);
  return p.noun ?? p.verb;
}

/** A phrase both ways: `verb` follows "c2, which …"; `noun` (when it has one) stands alone. */
interface Phrase {
  readonly verb: string;
  readonly noun?: string;
}

/** `waits for X` as a verb, `X` alone. */
function waitsFor(what: string): Phrase {
  return { verb: `waits for ${what}`, noun: what };
}

/** One walk: the tasks on the current path (a repeat is a cycle) and how deep it went. */
class Walk {
  readonly #path: Task<unknown>[] = [];
  #canWake: boolean | undefined;

  constructor(readonly ctx: VerdictContext) {}

  /** What a task is doing, as a phrase about it. */
  task(t: Task<unknown>): Phrase {
    if (t.done()) return { verb: t.cancelled() ? 'was cancelled' : 'finished', noun: t.cancelled() ? 'cancelled' : 'finished' };
    if (this.ctx.loop?._currentTask === t) return { verb: 'is running', noun: 'running' };
    const w = t.waitingOn;
    if (w === null) return { verb: 'is ready to run', noun: 'ready to run' };
    // Its future completed and its wake-up is queued: it runs in the loop's next iteration.
    if (w.done()) return { verb: 'is woken: about to run', noun: 'woken: about to run' };
    this.#path.push(t);
    try {
      return this.future(w, t);
    } finally {
      this.#path.pop();
    }
  }

  /** `c2, which …`: another task named, then where its own chain leads (a repeat closes a cycle). */
  then(t: Task<unknown>): string {
    const name = t.getName();
    if (this.#path.includes(t)) return `${name}: a deadlock`;
    if (this.#path.length >= MAX_DEPTH) return `${name}, which …`;
    return `${name}, which ${this.task(t).verb}`;
  }

  /** What completes a future `waiter` awaits. */
  future(f: Future<unknown>, waiter: Task<unknown> | null): Phrase {
    if (f instanceof Task) return { verb: `awaits task ${this.then(f)}` };
    const r = f.waitReason;
    if (r === undefined) return this.#unexplained(f, waiter);
    return this.#reason(r, f, waiter);
  }

  #reason(r: WaitReason, f: Future<unknown>, waiter: Task<unknown> | null): Phrase {
    switch (r.kind) {
      case 'timer': {
        const left = Math.max(0, r.when - this.ctx.now);
        return { verb: `wakes in ${seconds(left)}` };
      }
      case 'fd':
        return { verb: fdPhrase(r.fd, r.events) };
      case 'task':
        return r.task instanceof Task ? { verb: `awaits task ${this.then(r.task)}` } : this.future(r.task, waiter);
      case 'gather':
        return waitsFor(`gather: ${this.#children(r.children)}`);
      case 'wait':
        return waitsFor(`wait (${r.mode}): ${this.#children(r.children)}`);
      case 'primitive':
        return r.owner ? this.#primitive(r.primitive, r.owner._waitFacts(), waiter) : waitsFor(r.primitive);
      case 'promise':
        return { verb: `waits for a Node promise${at(waiter, 'awaited at')}` };
      case 'other': {
        if (r.fds && r.fds.length > 0) return { verb: r.fds.map((fd) => fdPhrase(fd, 'read')).join(' and ').replace(/ and waits for a connection on /g, ' and ') };
        return waitsFor(r.what);
      }
    }
  }

  /** `2 of 3 not done: c2 wakes in 1 s; c3 awaits task c4, which …`. */
  #children(children: readonly Future<unknown>[]): string {
    const pending = [...new Set(children)].filter((c) => !c.done());
    return this.#pendingList(pending, `${pending.length} of ${children.length} not done`);
  }

  #pendingList(pending: readonly Future<unknown>[], head: string): string {
    const shown = pending.slice(0, MAX_CHILDREN).map((c) => (c instanceof Task ? this.then(c) : `Future #${c.id}, which ${this.future(c, null).verb}`));
    const more = pending.length > MAX_CHILDREN ? `; and ${pending.length - MAX_CHILDREN} more` : '';
    return pending.length === 0 ? head : `${head}: ${shown.join('; ')}${more}`;
  }

  #primitive(primitive: string, facts: WaitFacts, waiter: Task<unknown> | null): Phrase {
    const name = primitiveName(primitive, waiter);
    switch (facts.kind) {
      case 'lock':
        return waitsFor(facts.holder ? `${name} held by ${this.#holder(facts.holder)}` : `${name} (free: handed to the next waiter)`);
      case 'semaphore': {
        const live = facts.holders.filter((h) => !h.task.done() || h.task === waiter);
        if (live.length === 0) return waitsFor(`${name} (no slot free, no task holds one: released too few times)`);
        const shown = live.slice(0, MAX_CHILDREN).map((h) => this.#holder(h));
        return waitsFor(`${name} held by ${shown.join('; ')}${live.length > MAX_CHILDREN ? `; and ${live.length - MAX_CHILDREN} more` : ''}`);
      }
      case 'event':
        if (primitive === 'Queue.join') return waitsFor(`Queue.join: taskDone() not yet called for every item`);
        return waitsFor(`${name} not set · set() would wake ${facts.waiters} task${facts.waiters === 1 ? '' : 's'}`);
      case 'condition':
        return waitsFor(`notify() on ${name} · ${facts.waiters === 1 ? '1 task waits' : `${facts.waiters} tasks wait`} on it`);
      case 'queue': {
        const getting = primitive.endsWith('.get');
        const others = (getting ? facts.producers : facts.consumers).filter((t) => !t.done() && t !== waiter);
        const state = getting ? 'empty' : `full (${facts.size} of ${facts.maxsize})`;
        const role = getting ? 'producer' : 'consumer';
        if (others.length === 0) return waitsFor(`${name} ${state} · no ${role} left`);
        return waitsFor(`${name} ${state} · ${role}${others.length === 1 ? '' : 's'} alive: ${this.#pendingList(others, '').replace(/^: /, '')}`);
      }
    }
  }

  /** `c2 (pipeline.ts:35), which waits for …`. */
  #holder(h: Holding): string {
    const where = siteOf(h.site);
    const name = h.task.getName();
    const rest = this.then(h.task).slice(name.length);
    return `${name}${where ? ` (${shortSite(where)})` : ''}${h.task.done() ? `, which ${h.task.cancelled() ? 'was cancelled' : 'finished'} without releasing it` : rest}`;
  }

  /**
   * A future with no recorded reason: completed by the program's own code, when any can still run;
   * when nothing can (no callback, timer, fd or Node work is left), nothing will.
   */
  #unexplained(f: Future<unknown>, waiter: Task<unknown> | null): Phrase {
    const where = createdAt(f, waiter);
    // A runtime coroutine's own future (TaskGroup.exit) waits for the group's tasks.
    const group = waiter ? runtimeAwaiter(waiter._awaitChain()) : null;
    if (group === 'TaskGroup.exit' && waiter) {
      const kids = (this.ctx.children.get(waiter.id) ?? []).map((id) => this.ctx.tasks.get(id)).filter((t): t is Task<unknown> => t !== undefined && !t.done());
      if (kids.length > 0) return waitsFor(`its TaskGroup: ${this.#pendingList(kids, `${kids.length} task${kids.length === 1 ? '' : 's'} not done`)}`);
    }
    if (!this.canWake()) return { verb: `can never wake: nothing in the program can wake this${where}`, noun: `nothing in the program can wake this${where}` };
    return { verb: `waits for program code to complete Future #${f.id}${where}`, noun: `completed by program code${where}` };
  }

  /** Whether anything but the tasks can still run (one answer per walk). */
  canWake(): boolean {
    return (this.#canWake ??= this.ctx.loop?._canWake() ?? true);
  }
}

/** `waits for fd 17 readable · 127.0.0.1:50786 ↔ 127.0.0.1:8080`, or a listening socket's `waits for a connection on …`. */
function fdPhrase(fd: number, events: 'read' | 'write'): string {
  const own = addressOf(getsockname, fd);
  const peer = addressOf(getpeername, fd);
  if (events === 'read' && own !== null && peer === null && isStream(fd)) return `waits for a connection on ${own}`;
  return `waits for fd ${fd} ${events === 'read' ? 'readable' : 'writable'}${peer ? ` · ${own ?? '?'} ↔ ${peer}` : ''}`;
}

/** A stream socket with an address and no peer, read-waited on: a listening socket (accept makes it readable). */
function isStream(fd: number): boolean {
  try {
    return getSockOptInt(fd, C.SOL_SOCKET, C.SO_TYPE) === C.SOCK_STREAM;
  } catch {
    return false;
  }
}

/** The socket's address (getsockname / getpeername) as `host:port`, or null (none, or no socket any more). */
export function addressOf(get: (fd: number) => SockAddress, fd: number): string | null {
  try {
    const a = get(fd);
    return a === '' ? null : describeAddress(a);
  } catch {
    return null;
  }
}

/** The innermost suspended coroutine of the program in a task's chain, with the await it is at. */
export function programAwait(t: Task<unknown>): { name: string; site: Site } | undefined {
  const chain = t._awaitChain();
  for (let i = chain.length - 1; i >= 0; i--) {
    const e = chain[i]!;
    if (e.site && e.coroutine.defSite >= 0 && e.coroutine.state === 'SUSPENDED') return { name: e.coroutine.name, site: e.site };
  }
  return undefined;
}

/** The runtime coroutine at the top of a task's chain (`TaskGroup.exit`), or null. */
/** The runtime's coroutine a chain ends in (`TaskGroup.exit`, `Lock.acquire`), or null: the program's own awaits it. */
export function runtimeAwaiter(chain: ReturnType<Task<unknown>['_awaitChain']>): string | null {
  const top = chain[chain.length - 1]?.coroutine;
  return top && chain.length > 1 && top.defSite < 0 ? top.name : null;
}

function at(t: Task<unknown> | null, label: string): string {
  const p = t ? programAwait(t) : undefined;
  return p ? ` (${label} ${shortSite(p.site)})` : '';
}

/** `: created at prog.ts:21` (debug mode records it), else where the task awaits it. */
function createdAt(f: Future<unknown>, waiter: Task<unknown> | null): string {
  const stack = creationStack(f);
  if (stack) {
    const line = stack
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .find((l) => !isRuntimeFrame(l) && !l.includes('node:'));
    const m = line ? /\(?([^\s()]+):(\d+):\d+\)?$/.exec(line) : null;
    if (m) return `: created at ${basename(m[1]!)}:${m[2]}`;
  }
  const p = waiter ? programAwait(waiter) : undefined;
  return p ? `: awaited at ${shortSite(p.site)}` : '';
}

export function shortSite(s: Site): string {
  return `${basename(s.file)}:${s.line}`;
}

/**
 * `Lock a`: the primitive's kind, and the name the program gives it on the waiter's line
 * (`await a.acquire()`, `await using held = await lockA.enter()`, `await q.get()`), when it says.
 */
export function primitiveName(primitive: string, waiter: Task<unknown> | null): string {
  const kind = primitive.replace(/\.(get|put|join)$/, '');
  const p = waiter ? programAwait(waiter) : undefined;
  // From the await's column on: the first such call there is the one awaited.
  const text = p ? sourceLine(p.site.file, p.site.line)?.slice(Math.max(0, p.site.column - 1)) : undefined;
  const m = text ? /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\.\s*(?:acquire|enter|run|wait|waitFor|get|put|join)\s*\(/.exec(text) : null;
  return m ? `${kind} ${m[1]}` : kind;
}

const sources = new Map<string, readonly string[] | null>();

function sourceLine(file: string, line: number): string | undefined {
  let lines = sources.get(file);
  if (lines === undefined) {
    try {
      lines = readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = null;
    }
    if (sources.size > 64) sources.clear();
    sources.set(file, lines);
  }
  return lines?.[line - 1];
}

function seconds(x: number): string {
  if (x >= 10) return `${Math.round(x)} s`;
  if (x >= 0.1) return `${Number(x.toFixed(1))} s`;
  // A short sleep (a ticker's 0.02 s) is not "0 s": milliseconds, and below one, says so.
  return x >= 0.001 ? `${Math.round(x * 1000)} ms` : 'under 1 ms';
}

/**
 * The tasks a task waits for in the wait-for graph, and how: the task it awaits, a Lock's holder, a
 * one-holder Semaphore's holder, every pending child of a gather (or a wait for all). A task in a
 * cycle of these can never run again. Waits another task might end (an Event, a Queue, a wait for
 * the first of several) are not edges: they are no proof.
 */
export function blockersOf(t: Task<unknown>): { task: Task<unknown>; via: Future<unknown> }[] {
  const w = t.waitingOn;
  if (w === null) return [];
  return blockersOfFuture(w, t);
}

function blockersOfFuture(w: Future<unknown>, t: Task<unknown>): { task: Task<unknown>; via: Future<unknown> }[] {
  if (w instanceof Task) return [{ task: w, via: w }];
  const r = w.waitReason;
  if (r === undefined) return [];
  switch (r.kind) {
    case 'task':
      return r.task instanceof Task ? [{ task: r.task, via: w }] : blockersOfFuture(r.task, t);
    case 'gather':
      return r.children.filter((c): c is Task<unknown> => c instanceof Task && !c.done()).map((task) => ({ task, via: w }));
    case 'wait':
      return r.mode === 'ALL_COMPLETED' ? r.children.filter((c): c is Task<unknown> => c instanceof Task && !c.done()).map((task) => ({ task, via: w })) : [];
    case 'primitive': {
      const facts = r.owner?._waitFacts();
      if (facts?.kind === 'lock' && facts.holder && !facts.holder.task.done()) return [{ task: facts.holder.task, via: w }];
      if (facts?.kind === 'semaphore' && facts.holders.length === 1 && !facts.holders[0]!.task.done()) return [{ task: facts.holders[0]!.task, via: w }];
      return [];
    }
    default:
      return [];
  }
}

/** One edge of a cycle as a person reads it: `Lock a held by c2`, `task c2`, `gather child c2`. */
export function edgeLabel(from: Task<unknown>, via: Future<unknown>, to: Task<unknown>): string {
  if (via === to) return `task ${to.getName()}`;
  const r = via.waitReason;
  if (r?.kind === 'primitive') return `${primitiveName(r.primitive, from)} held by ${to.getName()}`;
  if (r?.kind === 'gather' || r?.kind === 'wait') return `${r.kind} child ${to.getName()}`;
  return `task ${to.getName()}`;
}
