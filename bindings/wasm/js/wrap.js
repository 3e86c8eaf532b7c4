// Wraps the raw wasm-bindgen exports so every failure reaches the caller as an `Error` with
// `code` and `details`. Core errors already are such Errors (built in Rust). A Rust panic
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

/** Builds the public functions from the raw module `raw`. */
export function wrap(raw) {
  const api = {};
  for (const name of FUNCTIONS) {
    const f = raw[name];
    api[name] = (input) => guard(raw, name, () => f(input));
  }
  api.call = (name, input) => {
    if (typeof name !== "string") {
      throw anytimeError("validationFailed", "function: must be a string", [
        { field: "function", message: "must be a string" },
      ]);
    }
    return guard(raw, name, () => raw.call(name, input));
  };
  api.callJson = (name, line) => guard(raw, String(name), () => raw.callJson(String(name), String(line)));
  return api;
}
