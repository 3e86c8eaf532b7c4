// The error contract of SPEC §6 and the no-panic guarantee: malformed input of every kind must
// come back as an `Error` with a `code` the core defines, never as the `internal` error the
// wrapper makes of a panic trap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as anytime from "../pkg/node.js";
import raw from "../pkg/nodejs/anytime_wasm.js";
import { evalLike } from "./canonical.js";

const CORE_CODES = new Set(["validationFailed", "conflict", "notFound"]);

function outcome(run) {
  try {
    run();
    return "ok";
  } catch (e) {
    assert.ok(e instanceof Error, `threw a non-Error: ${e}`);
    assert.ok(CORE_CODES.has(e.code), `code ${e.code}: ${e.message}`);
    assert.ok(Array.isArray(e.details), "details is an array");
    return e.code;
  }
}

test("every SPEC §6 function is exported", () => {
  for (const name of [
    "addBusinessTime", "businessTimeBetween", "parseLogicalExpression", "evaluateConditions",
    "validateFields", "computeSla", "route", "allocate", "runTriggers", "processInbound",
    "applyCommand",
  ]) {
    assert.equal(typeof anytime[name], "function", name);
    assert.ok(anytime.FUNCTIONS.includes(name), name);
  }
  // The package's names are the core's own list (`anytime_core::eval::functions`), in order.
  assert.deepEqual([...anytime.FUNCTIONS], raw.functionNames());
  for (const name of anytime.FUNCTIONS) {
    assert.equal(typeof anytime[name], "function", name);
  }
});

test("a core error is an Error with code, message and details", () => {
  let caught;
  try {
    anytime.parseLogicalExpression({ expression: "1 AND (2", conditionCount: 2 });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, "AnytimeError");
  assert.equal(caught.code, "validationFailed");
  assert.equal(caught.details[0].field, "expression");
  assert.equal(typeof caught.details[0].position, "number");
  assert.ok(caught.message.length > 0);
});

test("the object path (call, serde-wasm-bindgen) throws the same Error, built in Rust", () => {
  const input = { expression: "1 AND (2", conditionCount: 2 };
  const caught = [];
  for (const run of [() => anytime.parseLogicalExpression(input),
    () => anytime.call("parseLogicalExpression", input)]) {
    try {
      run();
    } catch (e) {
      caught.push(e);
    }
  }
  assert.equal(caught.length, 2);
  const [named, viaCall] = caught;
  assert.ok(viaCall instanceof Error);
  assert.equal(viaCall.name, "AnytimeError");
  assert.equal(viaCall.code, named.code);
  assert.equal(viaCall.message, named.message);
  assert.ok(Array.isArray(viaCall.details));
  assert.equal(Object.getPrototypeOf(viaCall.details[0]), Object.prototype);
  assert.deepEqual(viaCall.details, named.details);
  assert.equal(typeof viaCall.details[0].position, "number");
});

test("results are plain objects, not Maps (both paths)", () => {
  const input = { expression: "((1)) or 2", conditionCount: 2 };
  for (const r of [anytime.parseLogicalExpression(input), anytime.call("parseLogicalExpression", input)]) {
    assert.equal(Object.getPrototypeOf(r), Object.prototype);
    assert.deepEqual(r, { canonical: "1 OR 2" });
  }
});

test("integers beyond 2^53 read the same on both paths", () => {
  // `seconds` is an integer argument: JSON.stringify writes 2 ** 60 as digits, and the object
  // path must accept it too, not see a float.
  const input = {
    workingTime: { timeZone: "UTC", mondayBusinessTime: { openHour: 9, closeHour: 17 } }, holidays: [], start: "2026-01-05T00:00:00Z", seconds: 2 ** 60,
  };
  const named = JSON.stringify(evalLike(() => anytime.addBusinessTime(input)));
  assert.equal(JSON.stringify(evalLike(() => anytime.call("addBusinessTime", input))), named);
});

test("unknown function names and non-string names", () => {
  assert.equal(outcome(() => anytime.call("noSuchFunction", {})), "validationFailed");
  assert.equal(outcome(() => anytime.call(42, {})), "validationFailed");
});

test("inputs that are not JSON objects", () => {
  const odd = [undefined, null, 1, "x", true, [], [1, 2], 10n, Symbol("s"), () => 1, new Map(),
    new Date(0), NaN, Infinity];
  for (const name of anytime.FUNCTIONS) {
    for (const input of odd) {
      assert.equal(outcome(() => anytime[name](input)), "validationFailed");
      assert.equal(outcome(() => anytime.call(name, input)), "validationFailed");
    }
  }
});

// A small deterministic generator (mulberry32): the same inputs on every run.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES = [null, 0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308, "", "x", "2026-02-30T25:61:00Z",
  "not-a-uuid", "\u0000\uffff😀", true, [], [null], {}, { a: 1 }, "9".repeat(400)];

function mutate(value, next, depth = 0) {
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  if (next() < 0.15) return pick(ODD_VALUES);
  if (Array.isArray(value)) {
    const out = value.map((v) => mutate(v, next, depth + 1));
    if (next() < 0.1 && out.length) out.splice(Math.floor(next() * out.length), 1);
    if (next() < 0.1) out.push(pick(ODD_VALUES));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (next() < 0.08) continue; // drop the key
      out[k] = mutate(v, next, depth + 1);
    }
    return out;
  }
  return value;
}

test("mutated vector inputs never panic and both paths agree (every function, 40 mutations per case)", () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "../../../tests/vectors");
  const next = rng(7);
  let runs = 0;
  const codes = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const v = JSON.parse(readFileSync(join(dir, file), "utf8"));
    for (const c of v.cases) {
      for (let i = 0; i < 40; i++) {
        const input = mutate(c.input, next);
        const code = outcome(() => anytime[v.function](input));
        assert.equal(outcome(() => anytime.call(v.function, input)), code);
        const named = JSON.stringify(evalLike(() => anytime[v.function](input)));
        const viaCall = JSON.stringify(evalLike(() => anytime.call(v.function, input)));
        if (named !== viaCall) assert.fail(`${file} ${c.name}: paths differ\n  named ${named}\n  call  ${viaCall}`);
        codes[code] = (codes[code] ?? 0) + 1;
        runs++;
      }
    }
  }
  assert.ok(runs > 4000, `only ${runs} runs`);
  // The mutations must actually reach the validation paths, and some must still succeed.
  assert.ok(codes.validationFailed > 100, JSON.stringify(codes));
  assert.ok(codes.ok > 100, JSON.stringify(codes));
});
