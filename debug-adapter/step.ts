// One step the user asked for (F10, F11, Shift+F11), while it is under way. A press moves by source
// lines of the task the step follows, so the step decides, at each pause V8 makes on its way, whether
// it is done: V8 steps by break locations, and a line like `await sleep(1)` compiles to several (the
// call of the imported function, the loader's await helper, the yield), each a pause of its own.
import type { CdpCallFrame } from './stop-view';
import type { ScriptRegistry } from './scripts';
import { HIDDEN_NAME } from './variables';

/** The program's own code: not Node's or the runtime's, nor a function the loader wrote (`__cs_super0`). */
export function isUserCode(frame: CdpCallFrame, scripts: ScriptRegistry): boolean {
  return (scripts.get(frame.location.scriptId)?.isUser ?? false) && !HIDDEN_NAME.test(frame.functionName);
}

/** The inspector's step commands (a step that waits for a suspended task to resume is a plain resume). */
export type V8Step = 'Debugger.stepOver' | 'Debugger.stepInto' | 'Debugger.stepOut' | 'Debugger.resume';

/** The call a step started in: its depth on the inspector's stack, its function, and its source line. */
interface StepStart {
  readonly depth: number;
  readonly functionName: string;
  readonly scriptId: string;
  readonly path: string;
  readonly line: number;
}

/**
 * A step under way.
 * Invariant: `entering` becomes true once the task the step follows resumes (the probe's resume
 * hook) and the adapter has stepped into its coroutine; until then every pause is on the task's
 * way through its line (or in another task, or in code the step passes through).
 */
export class Step {
  entering = false;

  private constructor(
    readonly kind: 'next' | 'in' | 'out',
    /** The task the step follows (a step-in moves to a task created by the stepped call). */
    public taskId: number | null,
    /** What the step asked V8 for first. */
    readonly method: V8Step,
    readonly from: StepStart | null,
  ) {}

  /** A step from a stop whose frames are `frames` (null: a suspended task's thread, not on the stack). */
  static begin(kind: Step['kind'], taskId: number | null, method: V8Step, frames: readonly CdpCallFrame[] | null, scripts: ScriptRegistry): Step {
    const top = frames?.[0];
    const loc = top && scripts.get(top.location.scriptId)?.isUser ? scripts.toOriginal(top.location) : null;
    const from = top && loc ? { depth: frames.length, functionName: top.functionName, scriptId: top.location.scriptId, path: loc.path, line: loc.line } : null;
    return new Step(kind, taskId, method, from);
  }

  /**
   * True when the pause is still on the line the step started from, in the same call, before the
   * task suspended: one press of F10 or F11 leaves the line, whatever the line compiles to. (A loop
   * written on one line runs to its end; the same line reached again after an await is a new stop.)
   */
  onStartLine(frames: readonly CdpCallFrame[], scripts: ScriptRegistry): boolean {
    const from = this.from;
    const top = frames[0];
    if (!from || !top || this.entering || this.kind === 'out') return false;
    if (frames.length !== from.depth || top.functionName !== from.functionName || top.location.scriptId !== from.scriptId) return false;
    const loc = scripts.toOriginal(top.location);
    return loc !== null && loc.path === from.path && loc.line === from.line;
  }

  /**
   * The V8 step that carries this step on from a pause the user is not shown (V8 forgets its step
   * at every pause, and a plain resume would lose it until the task next resumes): out of code the
   * step passes through (Node's own, the runtime's), back to the call the step started in, or on.
   */
  carryOn(frames: readonly CdpCallFrame[], scripts: ScriptRegistry): V8Step {
    if (this.method === 'Debugger.resume') return 'Debugger.resume';
    if (this.entering) return 'Debugger.stepInto';
    const top = frames[0];
    const isUser = (f: CdpCallFrame): boolean => isUserCode(f, scripts);
    if (!top || !isUser(top)) {
      // Out to the user's code below (V8 stops only in a frame no deeper than that); with none, the
      // task comes back through the resume hook.
      return frames.some(isUser) ? 'Debugger.stepOut' : 'Debugger.resume';
    }
    if (this.kind === 'in') return 'Debugger.stepInto';
    if (this.kind === 'out') return 'Debugger.stepOut';
    return this.from !== null && frames.length > this.from.depth ? 'Debugger.stepOut' : 'Debugger.stepOver';
  }
}
