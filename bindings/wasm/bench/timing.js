// wasm vs native timing (docs/benchmarks.md): the first successful case of a few vector files,
// run many times through the package in Node, including the JS ⇄ wasm conversion of the
// argument and result objects, on both paths across the boundary:
//   * named — the package function (`addBusinessTime(input)`…): JSON.stringify → callJson →
//     JSON.parse inside the package; this is what the 3×-native budget is measured on;
//   * call — the generic `call(name, input)`: the object walked by serde-wasm-bindgen.
// bindings/wasm/tests/timing.rs times the same cases natively.
//   node bindings/wasm/bench/timing.js [iterations]
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import * as anytime from "../pkg/node.js";

export const FUNCTIONS = ["addBusinessTime", "computeSla", "route", "allocate", "runTriggers",
  "evaluateConditions", "processInbound"];

const dir = join(dirname(fileURLToPath(import.meta.url)), "../../../tests/vectors");
const iterations = Number(process.argv[2] ?? 20000);

/** Median of 5 rounds of `iterations / 5` calls, after a warm-up, in µs per call. */
function medianMicros(run) {
  for (let i = 0; i < Math.min(2000, iterations); i++) run(); // warm up (JIT, caches)
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations / 5; i++) run();
    rounds.push(((performance.now() - t0) * 1000) / (iterations / 5));
  }
  rounds.sort((a, b) => a - b);
  return rounds[2];
}

for (const fn of FUNCTIONS) {
  const file = JSON.parse(readFileSync(join(dir, `${fn}.json`), "utf8"));
  const c = file.cases.find((x) => !("error" in x.expected));
  const named = medianMicros(() => anytime[fn](c.input));
  const viaCall = medianMicros(() => anytime.call(fn, c.input));
  console.log(`${fn.padEnd(20)} named ${named.toFixed(2).padStart(8)} µs/call, call ${viaCall.toFixed(2).padStart(8)} µs/call (medians of 5 rounds)  [${c.name}]`);
}
