// The OAuth sign-in page (SPEC §4.15) in headless Chromium against a real `anytime serve`:
// an app registers a client, sends the browser to /oauth/authorize, the agent fills in the
// form and presses Allow, the browser lands on the app's redirect URI with a code, and the
// app exchanges it for a token that calls the API. Screenshots go to web-demo/test-artifacts/.
//
// Needs the native binary (ANYTIME_BIN, default: target/debug/anytime via `cargo run`).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const artifacts = join(here, "../test-artifacts");
const PASSWORD = "correct horse battery";

let anytime;
let dataDir;
let base;
let adminAuth;
let app;
let callbackBase;
let context;

/** Starts `anytime serve` on a free port; resolves with its base URL and the admin's key. */
function startAnytime() {
  dataDir = mkdtempSync(join(tmpdir(), "anytime-oauth-"));
  const args = ["serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0"];
  const bin = process.env.ANYTIME_BIN;
  anytime = bin
    ? spawn(bin, args, { env: { ...process.env, ANYTIME_LOG: "warn" } })
    : spawn("cargo", ["run", "-q", "-p", "anytime-server", "--", ...args], {
        cwd: root, env: { ...process.env, ANYTIME_LOG: "warn" },
      });
  anytime.stderr.pipe(process.stderr);
  return new Promise((resolve, reject) => {
    let first;
    const lines = createInterface({ input: anytime.stdout });
    lines.on("line", (line) => {
      if (line.startsWith("{") && !first) first = JSON.parse(line);
      const m = line.match(/^listening on (http:\/\/\S+)/);
      if (m) resolve({ url: m[1], admin: first });
    });
    anytime.on("exit", (code) => reject(new Error(`anytime exited with ${code}`)));
  });
}

async function api(method, path, body, auth = adminAuth) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const started = await startAnytime();
  base = started.url;
  adminAuth = `Basic ${Buffer.from(`${started.admin.email}:${started.admin.apiKey}`).toString("base64")}`;
  // The "app": it only has to be somewhere the browser can land.
  app = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!DOCTYPE html><title>App</title><h1>Back in the app</h1>");
  });
  await new Promise((resolve) => app.listen(0, "127.0.0.1", resolve));
  callbackBase = `http://127.0.0.1:${app.address().port}`;
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chr-")), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await context?.close();
  app?.close();
  anytime?.kill("SIGTERM");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("an agent signs in on the page, allows the app, and the app gets a working token", async () => {
  const agent = await api("POST", "/api/v3/agents",
    { name: "Ann Agent", email: "ann@example.com", role: "agent", password: PASSWORD });
  assert.equal(agent.status, 201);
  const redirectUri = `${callbackBase}/callback`;
  const client = await api("POST", "/api/v3/oauth/clients",
    { name: "Reporting app", redirectUris: [redirectUri], isConfidential: false });
  assert.equal(client.status, 201);
  const clientId = client.json.oauthClient.id;

  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(8).toString("hex");
  const query = new URLSearchParams({
    response_type: "code", client_id: clientId, redirect_uri: redirectUri,
    code_challenge: challenge, code_challenge_method: "S256", state,
  });

  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${base}/oauth/authorize?${query}`);
  assert.match(await page.title(), /Allow Reporting app/);
  assert.match(await page.textContent("main"), /Reporting app/);
  // Labelled fields (found by their visible labels, as assistive technology finds them).
  await page.getByLabel("Agent email").fill("ann@example.com");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.screenshot({ path: join(artifacts, "oauth-sign-in.png"), fullPage: true });
  assert.ok(requests.every((u) => u.startsWith(base)), `no third-party assets: ${requests}`);

  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(redirectUri)),
    page.getByRole("button", { name: "Allow" }).click(),
  ]);
  const landed = new URL(page.url());
  assert.equal(landed.searchParams.get("state"), state);
  const code = landed.searchParams.get("code");
  assert.ok(code && code.length >= 43, `a code in ${landed}`);
  assert.match(await page.textContent("h1"), /Back in the app/);
  await page.screenshot({ path: join(artifacts, "oauth-callback.png"), fullPage: true });

  const tokenRes = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", client_id: clientId, code,
      redirect_uri: redirectUri, code_verifier: verifier,
    }),
  });
  assert.equal(tokenRes.status, 200);
  const token = await tokenRes.json();
  assert.equal(token.token_type, "Bearer");
  const me = await api("GET", `/api/v3/agents/${agent.json.agent.id}`, null, `Bearer ${token.access_token}`);
  assert.equal(me.status, 200);
  assert.equal(me.json.agent.email, "ann@example.com");
  await page.close();
});

test("the page works without JavaScript and shows a wrong password in place", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const page = await noScript.newPage();
  const clients = await api("GET", "/api/v3/oauth/clients");
  const client = clients.json.oauthClients[0];
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    response_type: "code", client_id: client.id, redirect_uri: client.redirectUris[0],
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256", state: "s",
  });
  await page.goto(`${base}/oauth/authorize?${query}`);
  assert.equal(await page.locator("script").count(), 0);
  await page.getByLabel("Agent email").fill("ann@example.com");
  await page.getByLabel("Password").fill("not the password");
  await Promise.all([
    page.waitForLoadState("load"),
    page.getByRole("button", { name: "Allow" }).click(),
  ]);
  await page.waitForSelector("[role=alert]");
  assert.match(await page.textContent("[role=alert]"), /Wrong email or password/);
  assert.ok(page.url().startsWith(`${base}/oauth/authorize`), "stays on the page");
  await page.screenshot({ path: join(artifacts, "oauth-wrong-password.png"), fullPage: true });
  await browser.close();
});

test("a bad redirect URI shows an error page instead of redirecting", async () => {
  const page = await context.newPage();
  const clients = await api("GET", "/api/v3/oauth/clients");
  const query = new URLSearchParams({
    response_type: "code", client_id: clients.json.oauthClients[0].id,
    redirect_uri: "https://evil.example/steal", code_challenge: "x".repeat(43),
    code_challenge_method: "S256",
  });
  const res = await page.goto(`${base}/oauth/authorize?${query}`);
  assert.equal(res.status(), 400);
  assert.ok(page.url().startsWith(base));
  assert.match(await page.textContent("h1"), /not valid/);
  await page.close();
});
