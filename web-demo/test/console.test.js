// The agent console in headless Chromium against the real `anytime serve` (release or debug
// binary from ANYTIME_BIN, else `cargo run`), which serves the demo at /demo. Data is made
// through the API; the browser signs in as an agent, sees the views with unread counts and the
// SLA countdown, opens the conversation, replies, adds a note with an @mention and changes the
// status — and each change is then checked through the API, not through the page.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const artifacts = join(here, "../test-artifacts");
const A = "/api/v3/anytime";

let server;
let base;
let dataDir;
let admin;
let context;
let page;

function startAnytime() {
  dataDir = mkdtempSync(join(tmpdir(), "anytime-console-"));
  const args = ["serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0",
    "--demo-dir", join(root, "web-demo")];
  const bin = process.env.ANYTIME_BIN;
  const child = bin
    ? spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ANYTIME_LOG: "warn" } })
    : spawn("cargo", ["run", "-q", "-p", "anytime-server", "--", ...args], {
        cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ANYTIME_LOG: "warn" },
      });
  return new Promise((resolve, reject) => {
    let first = null;
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      if (line.startsWith("{") && !first) first = JSON.parse(line);
      const at = line.match(/^listening on (http:\/\/\S+)/);
      if (at) resolve({ child, url: at[1], first });
    });
    child.on("exit", (code) => reject(new Error(`anytime serve exited with ${code}`)));
  });
}

function basic(email, key) {
  return `Basic ${Buffer.from(`${email}:${key}`).toString("base64")}`;
}

async function call(cred, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: basic(cred.email, cred.key), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const started = await startAnytime();
  server = started.child;
  base = started.url;
  admin = { email: started.first.email, key: started.first.apiKey };
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chr-")), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  server?.kill("SIGTERM");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("the server serves the demo at /demo", async () => {
  const res = await fetch(`${base}/demo`, { redirect: "manual" });
  assert.equal(res.status, 308);
  assert.equal(res.headers.get("location"), "/demo/");
  const page = await fetch(`${base}/demo/console.html`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Anytime agent console/);
});

test("an agent signs in, opens a conversation, replies, notes with @mention, changes status", async () => {
  // An agent to sign in as, a colleague to mention, a public view, an SLA policy.
  const made = await call(admin, "POST", "/api/v3/agents",
    { name: "Ann Agent", email: "ann@example.com", role: "agent" });
  const ann = { email: "ann@example.com", key: made.apiKey, id: made.agent.id };
  const bob = (await call(admin, "POST", "/api/v3/agents",
    { name: "Bob Builder", email: "bob@example.com", role: "agent" })).agent;
  await call(admin, "POST", `${A}/filters`, {
    name: "Urgent ones",
    conditions: [{ fieldId: "priority", matchType: "is", value: "urgent" }],
  });
  await call(admin, "POST", `${A}/slaPolicies`, {
    name: "Four hours", firstRespondWithin: 4, resolveRespondWithin: 24,
    operationalHour: "calendarHours",
  });
  const created = (await call(admin, "POST", `${A}/conversations`, {
    subject: "Printer on fire", channel: "email", receivedFrom: "zoe@example.com",
    priority: "urgent", status: "new", message: { htmlBody: "<p>It is <b>really</b> on fire</p>" },
  })).conversation;
  assert.ok(created.resolveBreachAt, "the SLA policy applies");
  await call(admin, "PUT", `${A}/conversations/${created.id}/unread`);

  await page.goto(`${base}/demo/console.html`);
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#email", ann.email);
  await page.fill("#api-key", ann.key);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector("body[data-signed-in=true]", { timeout: 15000 });
  assert.equal(await page.textContent("#sign-in-error"), "");
  assert.match(await page.textContent("#who"), /Ann Agent/);
  assert.ok(await page.isHidden("#sign-in-view"), "the sign-in form gives way to the workspace");

  // Views: all + the public filter, each with its unread count.
  const views = await page.$$eval("#filters button.view", (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(views, ["All conversations1", "Urgent ones1"]);

  // The list shows the conversation with a running countdown to its first-response breach.
  const row = page.locator(`button.conversation[data-id="${created.id}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /Printer on fire/);
  await page.waitForFunction(() =>
    /due in 23h 5\dm/.test(document.querySelector(".conversations .countdown")?.textContent ?? ""));

  await row.click();
  await page.waitForSelector(`#detail[data-id="${created.id}"]`);
  assert.match(await page.textContent("#messages"), /It is really on fire/);
  // Opening reads it: the unread counts drop.
  await page.waitForFunction(() => [...document.querySelectorAll("#filters .badge")]
    .every((b) => b.textContent === "0"));

  // Reply.
  await page.fill("#body", "We are on our way with a fire extinguisher.");
  await page.click("#reply button[type=submit]");
  await page.waitForFunction(() => document.querySelectorAll("#messages li").length === 2);

  // Note with an @mention of Bob.
  await page.check("input[name=kind][value=note]");
  await page.fill("#body", "Heads up ");
  await page.selectOption("#mention-select", bob.id);
  await page.click("#mention");
  await page.click("#reply button[type=submit]");
  await page.waitForFunction(() => document.querySelectorAll("#messages li").length === 3);

  // Status and assignee.
  await page.selectOption("#status-select", "onHold");
  await page.selectOption("#assignee-select", ann.id);
  await page.click("#properties button[type=submit]");
  await page.waitForFunction(() => document.getElementById("status").textContent === "Saved.");
  await page.screenshot({ path: join(artifacts, "console.png"), fullPage: true });

  // Everything the page did is visible through the API.
  const got = (await call(admin, "GET", `${A}/conversations/${created.id}?include=messages`)).conversation;
  assert.equal(got.status, "onHold");
  assert.equal(got.agentAssigneeId, ann.id);
  const [, reply, note] = got.messages;
  assert.equal(reply.type, "reply");
  assert.equal(reply.senderId, ann.id);
  assert.match(reply.plainBody, /fire extinguisher/);
  assert.equal(note.type, "note");
  assert.deepEqual(note.mentionedAgentIds, [bob.id]);
  assert.match(note.htmlBody, /class="athighlight"/);
});
