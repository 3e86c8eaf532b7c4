// serde_json's `Value::to_string()` (what the native vector runner compares) prints object keys
// sorted, since serde_json keeps objects in a BTreeMap. Sorting keys recursively on both sides
// makes JSON.stringify text comparable byte for byte with it.
export function canonical(value) {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort(byCodeUnit)) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

// Rust's String ordering is by bytes (UTF-8); for the ASCII keys used here that equals
// UTF-16 code unit order, which is what the default sort gives — spelled out for clarity.
function byCodeUnit(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What `anytime eval` prints for one input: the result or `{"error":{…}}`. */
export function evalLike(run) {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof Error) || typeof e.code !== "string") throw e;
    return { error: { code: e.code, message: e.message, details: e.details } };
  }
}
