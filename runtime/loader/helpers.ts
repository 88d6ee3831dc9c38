// What compiled user code calls (the loader binds this object to `__cs`). Names are short because
// they appear in every compiled file; each is a runtime function. A plain object, so each call is a
// data-property load (a module namespace would go through a getter).
import { aclose, agen, aiter, asyncYield, asyncYieldStar } from '../async-gen';
import { coro, coroOf, discarded } from '../coroutine';
import { awaitAt, registerSites } from '../sites';
import { usingScope } from '../using';

export const loaderHelpers = Object.freeze({
  coro,
  c: coroOf,
  d: discarded,
  aw: awaitAt,
  sites: registerSites,
  agen,
  aiter,
  aclose,
  ay: asyncYield,
  ayStar: asyncYieldStar,
  using: usingScope,
});
