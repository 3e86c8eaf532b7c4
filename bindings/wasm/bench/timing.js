// wasm vs native timing (docs/benchmarks.md): the first successful case of a few vector files,
// run many times through the package in Node (including the JS ⇄ wasm conversion of the
// argument and result objects: JSON.stringify → callJson → JSON.parse inside the package).
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

for (const fn of FUNCTIONS) {
  const file = JSON.parse(readFileSync(join(dir, `${fn}.json`), "utf8"));
  const c = file.cases.find((x) => !("error" in x.expected));
  const run = anytime[fn];
  for (let i = 0; i < Math.min(2000, iterations); i++) run(c.input); // warm up (JIT, caches)
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations / 5; i++) run(c.input);
    rounds.push(((performance.now() - t0) * 1000) / (iterations / 5));
  }
  rounds.sort((a, b) => a - b);
  // The same through the raw callJson export, with the stringify/parse done here.
  const line = () => JSON.parse(anytime.callJson(fn, JSON.stringify(c.input)));
  for (let i = 0; i < Math.min(2000, iterations); i++) line();
  const viaJson = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations / 5; i++) line();
    viaJson.push(((performance.now() - t0) * 1000) / (iterations / 5));
  }
  viaJson.sort((a, b) => a - b);
  console.log(`${fn.padEnd(20)} object ${rounds[2].toFixed(2).padStart(8)} µs/call, callJson ${viaJson[2].toFixed(2).padStart(8)} µs/call (medians of 5 rounds)  [${c.name}]`);
}
