// Wraps the raw wasm-bindgen exports so every failure reaches the caller as an `Error` with
// `code` and `details`. Two paths cross the boundary (src/lib.rs): the named functions send
// JSON text through `callJson` (fastest: one string each way; the speed budget is measured on
// them), the generic `call(name, input)` sends the object itself through the module's `call`
// export (serde-wasm-bindgen; core errors come back already thrown as such Errors, built in
// Rust). Both give the same answers. A Rust panic
// aborts the instance with a WebAssembly trap; it is rethrown here as code `internal`, with
// the panic message the module's panic hook kept. The core never panics on any input — the
// Node tests feed it malformed input to check that — so this is a last line of defence.

export const FUNCTIONS = [
  "addBusinessTime",
  "businessTimeBetween",
  "parseLogicalExpression",
  "evaluateConditions",
  "validateFields",
  "computeSla",
  "route",
  "allocate",
  "allocateWaiting",
  "runTriggers",
  "processInbound",
  "applyCommand",
  "admitConversation",
];

function anytimeError(code, message, details, cause) {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = "AnytimeError";
  error.code = code;
  error.details = details;
  return error;
}

function guard(raw, name, run) {
  try {
    return run();
  } catch (e) {
    if (e instanceof Error && typeof e.code === "string") throw e;
    let panic = null;
    try {
      panic = raw.takePanicMessage();
    } catch {
      // The instance is unusable; the original failure is still reported below.
    }
    const reason = panic ?? (e instanceof Error ? e.message : String(e));
    throw anytimeError("internal", `internal error in ${name}: ${reason}`, [], e);
  }
}

function invalidInput(message) {
  return anytimeError("validationFailed", `input: ${message}`, [{ field: "input", message }]);
}

/**
 * Runs `name` on `input` with JSON text across the boundary: one string each way is faster
 * than walking the object with serde-wasm-bindgen (docs/benchmarks.md), and the answer is by
 * construction the line `anytime eval` prints. `{"error":…}` becomes a throw.
 */
function viaJson(raw, name, input) {
  let line;
  try {
    line = JSON.stringify(input);
  } catch (e) {
    throw invalidInput(`not a JSON-compatible value: ${e.message}`);
  }
  // `undefined`, functions and symbols have no JSON text: the core sees `null`.
  const out = JSON.parse(raw.callJson(name, line ?? "null"));
  if (out !== null && typeof out === "object" && "error" in out && Object.keys(out).length === 1) {
    throw anytimeError(out.error.code, out.error.message, out.error.details);
  }
  return out;
}

/** Builds the public functions from the raw module `raw`. */
export function wrap(raw) {
  const api = {};
  for (const name of FUNCTIONS) {
    api[name] = (input) => guard(raw, name, () => viaJson(raw, name, input));
  }
  api.call = (name, input) => {
    if (typeof name !== "string") {
      throw anytimeError("validationFailed", "function: must be a string", [
        { field: "function", message: "must be a string" },
      ]);
    }
    // The object path: serde-wasm-bindgen reads `input` and writes plain objects back.
    return guard(raw, name, () => raw.call(name, input));
  };
  api.callJson = (name, line) => guard(raw, String(name), () => raw.callJson(String(name), String(line)));
  return api;
}
