/*
 * mallocTrim(): asks glibc's allocator to give the free pages of its heaps back to the system
 * (malloc_trim(0)). Node.js has no binding for it, and glibc returns free memory from the middle
 * of a heap only when asked: a service that ended a load keeps its allocator's free pages
 * resident (docs/PERFORMANCE.md, twenty-second round). Returns true when pages were returned,
 * false when there was nothing to return or the C library is not glibc (malloc_trim is a glibc
 * extension; musl has none).
 *
 * Built by scripts/build-native.mjs against the running Node.js's own headers, at their default
 * Node-API version (8): the addon does not depend on the Node.js ABI, so it loads in any later
 * Node.js too.
 */
#include <node_api.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static napi_value MallocTrim(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#ifdef __GLIBC__
  released = malloc_trim(0);
#endif
  napi_value result;
  if (napi_get_boolean(env, released != 0, &result) != napi_ok) return NULL;
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  if (napi_create_function(env, "mallocTrim", NAPI_AUTO_LENGTH, MallocTrim, NULL, &fn) != napi_ok)
    return NULL;
  if (napi_set_named_property(env, exports, "mallocTrim", fn) != napi_ok) return NULL;
  return exports;
}
