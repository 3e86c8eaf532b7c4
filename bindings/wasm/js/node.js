// Node entry point: the wasm module is compiled synchronously when this file is imported.
import raw from "./nodejs/anytime_wasm.js";
import { wrap, FUNCTIONS } from "./wrap.js";

const api = wrap(raw);

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
