// What compiled user code calls (the loader binds this module to `__cs`). Names are short because
// they appear in every compiled file; each is a thin alias of a runtime function.
export { coro, discarded as d } from '../coroutine';
export { awaitAt as aw, registerSites as sites } from '../sites';
export { agen, aiter, aclose, asyncYield as ay, asyncYieldStar as ayStar } from '../async-gen';
