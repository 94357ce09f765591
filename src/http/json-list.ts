// JSON answers for the hot list routes, serialized once per list rather than once per request.

const serialized = new WeakMap<readonly string[], string>();

/**
 * A JSON Response of `list`. The store hands out the same frozen array until the list changes,
 * so its text is kept beside it and reused.
 */
export function jsonList(list: readonly string[]): Response {
  let text = serialized.get(list);
  if (text === undefined) {
    text = JSON.stringify(list);
    serialized.set(list, text);
  }
  return new Response(text, { headers: { "content-type": "application/json" } });
}
