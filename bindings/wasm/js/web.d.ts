// The browser entry point: the same functions, after `init()`.
export * from "./index.js";

/** Fetches and instantiates the module (default: `web/anytime_wasm_bg.wasm` next to this file). */
export default function init(
  moduleOrPath?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module,
): Promise<unknown>;

/** Instantiates the module synchronously from its bytes or a compiled module. */
export declare function initSync(module: BufferSource | WebAssembly.Module): unknown;
