// Browser / bundler entry point: call `await init()` (or `initSync({ module })`) once before
// any function. `init()` fetches `web/anytime_wasm_bg.wasm` next to this file by default.
import initRaw, * as raw from "./web/anytime_wasm.js";
import { wrap, FUNCTIONS } from "./wrap.js";

const api = wrap(raw);

export default function init(moduleOrPath) {
  return initRaw(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
}

export function initSync(module) {
  return raw.initSync({ module });
}

export { FUNCTIONS };
export const {
  addBusinessTime,
  businessTimeBetween,
  parseLogicalExpression,
  evaluateConditions,
  validateFields,
  computeSla,
  route,
  allocate,
  allocateWaiting,
  runTriggers,
  processInbound,
  applyCommand,
  admitConversation,
  call,
  callJson,
} = api;
