// What compiled user code calls (the loader binds this object to `__cs`). Names are short because
// they appear in every compiled file; each is a runtime function. A plain object, so each call is a
// data-property load (a module namespace would go through a getter).
import { aclose, agen, aiter, asyncYield, asyncYieldStar } from '../async-gen';
import { coro, coroOf, discarded } from '../coroutine';
import { awaitAt, createdBy, creatingAt, registerSites } from '../sites';
import { usingScope } from '../using';
import { setEntryModule, topLevelAwait } from '../module-main';

export const loaderHelpers = Object.freeze({
  coro,
  c: coroOf,
  d: discarded,
  aw: awaitAt,
  cs: creatingAt,
  ce: createdBy,
  sites: registerSites,
  agen,
  aiter,
  aclose,
  ay: asyncYield,
  ayStar: asyncYieldStar,
  using: usingScope,
  tla: topLevelAwait,
  /** Not called by compiled code: the CLI names the entry module with it. */
  entry: setEntryModule,
});
