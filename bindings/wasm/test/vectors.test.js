// Conformance: every case of tests/vectors/*.json through the wasm package must give exactly the
// expected JSON — the same files and the same comparison as the native runner
// (tests/tests/vectors.rs) — through both paths across the boundary: the named functions (JSON
// text, `callJson`) and `call(name, input)` (objects, serde-wasm-bindgen), which must answer
// byte for byte the same after JSON.stringify. Run after bindings/wasm/build.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as anytime from "../pkg/node.js";
import { canonical, evalLike } from "./canonical.js";

const vectorsDir = join(dirname(fileURLToPath(import.meta.url)), "../../../tests/vectors");
const files = readdirSync(vectorsDir).filter((f) => f.endsWith(".json")).sort();

test("the vector files are there", () => {
  assert.ok(files.length >= 12, `only ${files.length} vector files`);
});

let total = 0;
for (const file of files) {
  const vectors = JSON.parse(readFileSync(join(vectorsDir, file), "utf8"));
  test(`${file}: every case matches`, () => {
    const fn = anytime[vectors.function];
    assert.equal(typeof fn, "function", `the package does not export ${vectors.function}`);
    assert.ok(vectors.cases.length > 0);
    const failures = [];
    for (const c of vectors.cases) {
      total += 1;
      const want = canonical(c.expected);
      // The named export: JSON text through callJson.
      const named = evalLike(() => fn(c.input));
      // The generic entry point: the object itself through serde-wasm-bindgen.
      const viaCall = evalLike(() => anytime.call(vectors.function, c.input));
      const got = canonical(named);
      if (got !== want) failures.push(`${c.name}\n  want ${want}\n  got  ${got}`);
      else if (JSON.stringify(viaCall) !== JSON.stringify(named)) {
        failures.push(`${c.name} (via call)\n  named ${JSON.stringify(named)}\n  call  ${JSON.stringify(viaCall)}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${vectors.cases.length} differ`);
  });
}

test("at least 100 vectors ran", () => {
  assert.ok(total >= 100, `only ${total} vectors`);
});

test("callJson prints exactly the expected line (keys sorted, as serde_json does)", () => {
  for (const file of files) {
    const vectors = JSON.parse(readFileSync(join(vectorsDir, file), "utf8"));
    for (const c of vectors.cases) {
      const got = anytime.callJson(vectors.function, JSON.stringify(c.input));
      assert.equal(canonical(JSON.parse(got)), canonical(c.expected), `${file} / ${c.name}`);
    }
  }
});
