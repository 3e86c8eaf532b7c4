// The playground in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// it must compute the example's routing decision and SLA due times — known values worked out
// by hand in example.js — and every result it shows must equal what the native
// `anytime eval` prints for the same input. Screenshots go to web-demo/test-artifacts/.
//
// Needs: bindings/wasm/build.sh (copies the package to web-demo/pkg) and the native binary
// (ANYTIME_BIN, default: `cargo run -q -p anytime-server --`).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../serve.js";
import { canonical } from "../../bindings/wasm/test/canonical.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const artifacts = join(here, "../test-artifacts");

function nativeEval(fn, input) {
  const line = `${JSON.stringify(input)}\n`;
  const bin = process.env.ANYTIME_BIN;
  const out = bin
    ? execFileSync(bin, ["eval", fn], { input: line, encoding: "utf8" })
    : execFileSync("cargo", ["run", "-q", "-p", "anytime-server", "--", "eval", fn], {
        cwd: root, input: line, encoding: "utf8",
      });
  return JSON.parse(out.trim());
}

let server;
let context;
let page;
let base;

before(async () => {
  assert.ok(existsSync(join(here, "../pkg/web.js")), "run bindings/wasm/build.sh first");
  mkdirSync(artifacts, { recursive: true });
  server = await startServer(0);
  base = `http://127.0.0.1:${server.address().port}/`;
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chr-")), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(base);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15000 }).catch(async (e) => {
    throw new Error(`page did not get ready: ${errors.join("; ")} (${e.message})`);
  });
});

after(async () => {
  await context?.close();
  server?.close();
});

async function shown(id) {
  return page.$eval(id, (el) => ({ input: JSON.parse(el.dataset.input), output: JSON.parse(el.dataset.output) }));
}

test("the example routes to Billing with priority high and allocates Ben", async () => {
  const { output } = await shown("#route-result");
  assert.deepEqual(output.target, { object: "department", id: "dddddddd-dddd-4ddd-8ddd-dddddddddd02" });
  assert.equal(output.priority, "high");
  assert.equal(output.ruleId, "aaaaaaaa-0000-4000-8000-000000000001");
  assert.match(await page.textContent("[data-testid=route-target]"), /Billing/);
  assert.match(await page.textContent("[data-testid=allocate-agent]"), /Ben/);
  await page.screenshot({ path: join(artifacts, "playground.png"), fullPage: true });
});

test("the example's SLA due times are the hand-computed ones", async () => {
  const { output } = await shown("#sla-result");
  assert.equal(output.slaPolicyId, "cccccccc-0000-4000-8000-000000000002");
  assert.equal(output.firstRespondBreachAt, "2026-11-23T09:00:00Z");
  assert.equal(output.resolveBreachAt, "2026-11-24T15:00:00Z");
  assert.match(await page.textContent("[data-testid=sla-firstRespondBreachAt]"), /2026-11-23T09:00:00Z/);
  // The live countdown runs against the wall clock (the example lies in the past here).
  assert.match(await page.textContent("#sla-result .countdown"), /left|overdue/);
});

test("every result the page shows equals native `anytime eval` on the same input", async () => {
  for (const [id, fn] of [["#route-result", "route"], ["#allocate-result", "allocate"],
    ["#sla-result", "computeSla"], ["#triggers-result", "runTriggers"]]) {
    const { input, output } = await shown(id);
    assert.equal(canonical(output), canonical(nativeEval(fn, input)), `${fn} differs from native`);
  }
  const triggers = (await shown("#triggers-result")).output;
  assert.deepEqual(triggers.fired, ["bbbbbbbb-0000-4000-8000-000000000001"]);
});

test("editing a setting recomputes, and the URL carries the state", async () => {
  const area = page.locator("#edit-conversation");
  const conversation = JSON.parse(await area.inputValue());
  conversation.subject = "Question about delivery";
  conversation.priority = "urgent";
  await area.fill(JSON.stringify(conversation, null, 2));
  await page.waitForFunction(() => document.querySelector("#route-result").dataset.output.includes("matchFailed"));
  const sla = (await shown("#sla-result")).output;
  assert.equal(sla.slaPolicyId, "cccccccc-0000-4000-8000-000000000001"); // Urgent, calendar hours
  assert.equal(sla.firstRespondBreachAt, "2026-11-20T15:30:00Z");
  const url = page.url();
  assert.match(url, /#s=/);
  // A fresh page from the shared link shows the same state.
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForSelector("body[data-ready=true]");
  const again = await other.$eval("#sla-result", (el) => el.dataset.output);
  assert.equal(canonical(JSON.parse(again)), canonical(sla));
  await other.screenshot({ path: join(artifacts, "playground-shared-link.png"), fullPage: true });
  await other.close();
});

test("invalid JSON is flagged in place and a core error is shown, not thrown", async () => {
  await page.goto(base);
  await page.waitForSelector("body[data-ready=true]");
  await page.locator("#edit-routing").fill("{ nope");
  assert.equal(await page.getAttribute("#edit-routing", "aria-invalid"), "true");
  assert.match(await page.textContent("#edit-routing-problem"), /Not valid JSON/);
  await page.locator("#edit-routing").fill('{"isEnable": true, "type": "rules", "rules": [{"id": "x"}]}');
  await page.waitForSelector("#route-result .error");
  assert.match(await page.textContent("#route-result .error"), /validationFailed/);
});
