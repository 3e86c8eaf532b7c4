// The rules playground: settings as JSON editors → route → allocate → computeSla → runTriggers,
// all in the page through the wasm package. The state lives in the URL hash (base64url JSON).
import init, { route, allocate, computeSla, runTriggers } from "./pkg/web.js";
import { EXAMPLE, EDITORS } from "./example.js";

const $ = (selector, root = document) => root.querySelector(selector);

// ------------------------------------------------------------------ state ⇄ URL hash

function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeState(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function stateFromHash() {
  const hash = location.hash.replace(/^#/, "");
  if (hash.startsWith("s=")) {
    try {
      return { ...structuredClone(EXAMPLE), ...decodeState(hash.slice(2)) };
    } catch {
      setStatus("The link's state could not be read; showing the example.");
    }
  }
  return structuredClone(EXAMPLE);
}

let state = stateFromHash();

function saveState() {
  history.replaceState(null, "", `#s=${encodeState(state)}`);
}

function setStatus(text) {
  $("#status").textContent = text;
}

// ------------------------------------------------------------------ editors

function buildEditors() {
  const box = $("#editors");
  box.replaceChildren();
  for (const [key, label, help] of EDITORS) {
    const id = `edit-${key}`;
    const wrap = document.createElement("div");
    wrap.className = "editor";
    wrap.innerHTML = `<label for="${id}"></label><textarea id="${id}" spellcheck="false"
      aria-describedby="${id}-help ${id}-problem"></textarea>
      <p class="hint" id="${id}-help"></p><p class="problem" id="${id}-problem" role="alert"></p>`;
    $("label", wrap).textContent = label;
    $(".hint", wrap).textContent = help;
    const area = $("textarea", wrap);
    area.value = JSON.stringify(state[key], null, 2);
    area.rows = Math.min(18, Math.max(4, area.value.split("\n").length));
    area.dataset.key = key;
    area.addEventListener("input", () => onEdit(area));
    box.append(wrap);
  }
  $("#now").value = state.now;
}

let timer = null;
function onEdit(area) {
  const problem = $(`#${area.id}-problem`);
  try {
    state[area.dataset.key] = JSON.parse(area.value);
    area.removeAttribute("aria-invalid");
    problem.textContent = "";
  } catch (e) {
    area.setAttribute("aria-invalid", "true");
    problem.textContent = `Not valid JSON: ${e.message}`;
    return;
  }
  clearTimeout(timer);
  timer = setTimeout(() => {
    saveState();
    evaluate();
  }, 150);
}

// ------------------------------------------------------------------ the pipeline

/** Runs one core function, keeping its input and output for display and for the tests. */
function step(name, fn, input) {
  try {
    return { name, input, output: fn(input) };
  } catch (e) {
    return { name, input, error: { code: e.code ?? "internal", message: e.message, details: e.details ?? [] } };
  }
}

export function runPipeline(s) {
  const timeZone = s.workingTime?.timeZone ?? "UTC";
  const context = { now: s.now, timeZone };
  const routed = step(
    "route",
    route,
    { routing: s.routing, conversation: s.conversation, agents: s.agents, departments: s.departments, context },
  );
  let conversation = { ...s.conversation };
  if (routed.output) {
    const t = routed.output.target;
    if (t?.object === "agent") conversation.agentAssigneeId = t.id;
    if (t?.object === "department") conversation.departmentAssigneeId = t.id;
    if (routed.output.priority) conversation.priority = routed.output.priority;
  }
  const allocated = conversation.agentAssigneeId
    ? { name: "allocate", skipped: "routing chose an agent" }
    : step("allocate", allocate, { settings: s.allocation, agents: s.agents, conversation, state: {} });
  if (allocated.output?.agentId) conversation = { ...conversation, agentAssigneeId: allocated.output.agentId };
  const sla = step("computeSla", computeSla, {
    policies: s.slaPolicies,
    workingTime: s.workingTime,
    holidays: s.holidays,
    conversation,
    timeline: s.timeline,
    now: s.now,
    context,
  });
  const triggers = step("runTriggers", runTriggers, {
    triggers: s.triggers,
    event: "conversationCreated",
    conversation,
    agents: s.agents,
    departments: s.departments,
    context: { ...context, contact: s.contact, site: { name: "Playground", url: "https://desk.example" } },
  });
  return { route: routed, allocate: allocated, computeSla: sla, runTriggers: triggers, conversation };
}

// ------------------------------------------------------------------ rendering

function dl(rows) {
  const list = document.createElement("dl");
  for (const [term, value, testid] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    if (value instanceof Node) dd.append(value);
    else dd.textContent = value;
    if (testid) dd.dataset.testid = testid;
    list.append(dt, dd);
  }
  return list;
}

function showError(summary, result) {
  const p = document.createElement("p");
  p.className = "error";
  const details = (result.error.details ?? []).map((d) => `\n• ${d.field}: ${d.message}`).join("");
  p.textContent = `${result.error.code}: ${result.error.message}${details}`;
  summary.replaceChildren(p);
}

function render(section, result, summarize) {
  const root = $(section);
  const summary = $(".summary", root);
  root.dataset.output = JSON.stringify(result.output ?? (result.error ? { error: result.error } : null));
  root.dataset.input = JSON.stringify(result.input ?? null);
  $(".io", root).textContent = result.skipped
    ? `skipped: ${result.skipped}`
    : `input:\n${JSON.stringify(result.input)}\n\n${result.error ? "error" : "output"}:\n${JSON.stringify(result.output ?? { error: result.error }, null, 2)}`;
  if (result.skipped) summary.replaceChildren(dl([["Allocation", `not needed: ${result.skipped}`]]));
  else if (result.error) showError(summary, result);
  else summary.replaceChildren(summarize(result.output));
}

function nameOf(s, id) {
  const who = [...(s.agents ?? []), ...(s.departments ?? [])].find((x) => x.id === id);
  return who ? `${who.name} (${id})` : id;
}

function countdown(due) {
  const span = document.createElement("span");
  span.className = "countdown";
  span.dataset.due = due;
  span.setAttribute("aria-label", `time left until ${due}`);
  return span;
}

/** Live countdowns, against the wall clock (the core itself never reads a clock). */
function tick() {
  const now = Date.now();
  for (const span of document.querySelectorAll(".countdown")) {
    const ms = Date.parse(span.dataset.due) - now;
    const abs = Math.abs(ms);
    const d = Math.floor(abs / 86400000);
    const h = Math.floor((abs % 86400000) / 3600000);
    const m = Math.floor((abs % 3600000) / 60000);
    const sec = Math.floor((abs % 60000) / 1000);
    const text = `${d ? `${d}d ` : ""}${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
    span.textContent = ms >= 0 ? `${text} left` : `overdue by ${text}`;
    span.className = `countdown ${ms >= 0 ? "running" : "overdue"}`;
  }
}

function localTime(instant, timeZone) {
  try {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone, weekday: "short", year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit",
    }).format(new Date(instant));
  } catch {
    return instant;
  }
}

function evaluate() {
  const s = state;
  const r = runPipeline(s);
  const tz = s.workingTime?.timeZone ?? "UTC";
  render("#route-result", r.route, (o) =>
    dl([
      ["Target", o.target ? `${o.target.object} ${nameOf(s, o.target.id)}` : "unassigned", "route-target"],
      ["Decided by", o.ruleId ? `rule ${nameOf({ agents: s.routing?.rules }, o.ruleId)}` : o.via, "route-via"],
      ["Priority", o.priority ?? "unchanged", "route-priority"],
    ]));
  render("#allocate-result", r.allocate, (o) =>
    dl([["Agent", o.agentId ? nameOf(s, o.agentId) : "none free — waits in the queue", "allocate-agent"]]));
  render("#sla-result", r.computeSla, (o) => {
    const rows = [["Policy", o.slaPolicyId ? nameOf({ agents: s.slaPolicies }, o.slaPolicyId) : "no SLA", "sla-policy"]];
    for (const [label, key] of [
      ["First response due", "firstRespondBreachAt"],
      ["Next response due", "nextRespondBreachAt"],
      ["Resolution due", "resolveBreachAt"],
    ]) {
      if (!o[key]) {
        rows.push([label, "—", `sla-${key}`]);
        continue;
      }
      const cell = document.createElement("span");
      const time = document.createElement("time");
      time.dateTime = o[key];
      time.textContent = `${o[key]} (${localTime(o[key], tz)})`;
      cell.append(time, " · ", countdown(o[key]));
      rows.push([label, cell, `sla-${key}`]);
    }
    rows.push(["Breaches so far", o.breaches.length ? o.breaches.map((b) => `${b.target} at ${b.breachedAt}`).join(", ") : "none"]);
    return dl(rows);
  });
  render("#triggers-result", r.runTriggers, (o) => {
    const list = document.createElement("ul");
    list.className = "effects";
    for (const e of o.effects) {
      const li = document.createElement("li");
      li.textContent =
        e.type === "sendEmail"
          ? `e-mail to ${e.recipients.map((x) => x.email ?? x.contactId ?? x.agentId).join(", ")}: “${e.subject}” — ${e.plainText}`
          : `${e.type} (${JSON.stringify(e)})`;
      list.append(li);
    }
    const changes = o.history.map((h) => `${h.field}: ${h.oldValue} → ${h.newValue}`).join("; ");
    return dl([
      ["Fired", o.fired.length ? o.fired.map((id) => nameOf({ agents: s.triggers }, id)).join(", ") : "none", "triggers-fired"],
      ["Changes", changes || "none"],
      ["Effects", o.effects.length ? list : "none"],
    ]);
  });
  tick();
  document.body.dataset.ready = "true";
}

// ------------------------------------------------------------------ start

await init();
buildEditors();
$("#now").addEventListener("input", (e) => {
  state.now = e.target.value.trim();
  saveState();
  evaluate();
});
$("#reset").addEventListener("click", () => {
  state = structuredClone(EXAMPLE);
  saveState();
  buildEditors();
  evaluate();
});
$("#copy-link").addEventListener("click", async () => {
  saveState();
  try {
    await navigator.clipboard.writeText(location.href);
    setStatus("Link copied.");
  } catch {
    setStatus("Copy the address bar to share this state.");
  }
});
window.addEventListener("hashchange", () => {
  state = stateFromHash();
  buildEditors();
  evaluate();
});
evaluate();
setInterval(tick, 1000);
