// The agent console (SPEC §7, part 2): a thin client of the REST API of `anytime serve`.
// Sign in with an agent's email and API key (HTTP Basic, SPEC §3); the views are the site's
// filters with their unread counts; the list is sorted by the next SLA breach with live
// countdowns; a conversation shows its messages and takes replies, notes with @mentions and
// status / priority / assignee changes. Every rule runs on the server; this page only shows.

const STATUSES = ["new", "pendingInternal", "pendingExternal", "onHold", "closed"];
const PRIORITIES = ["urgent", "high", "normal", "low"];
const SESSION_KEY = "anytime-console";

const $ = (id) => document.getElementById(id);
const state = {
  base: "",
  auth: "",
  me: null,
  agents: [],
  filterId: null,
  open: null,
  mentions: [],
};

function basicAuth(email, key) {
  const bytes = new TextEncoder().encode(`${email}:${key}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** One API call; throws an Error carrying the API's message (and `status`) on failure. */
async function api(method, path, body) {
  const headers = { authorization: state.auth };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${state.base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new Error(data?.error?.message ?? `HTTP ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return data;
}

const conv = (path = "") => `/api/v3/anytime/conversations${path}`;

function setStatus(text) {
  $("status").textContent = text;
}

function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function agentName(id) {
  const agent = state.agents.find((a) => a.id === id);
  return agent ? agent.name || agent.email : "unassigned";
}

/** The earliest pending SLA due time of a conversation, or null. */
function nextBreach(c) {
  const times = [c.firstRespondBreachAt, c.nextRespondBreachAt, c.resolveBreachAt]
    .filter(Boolean)
    .map((t) => Date.parse(t));
  return times.length ? Math.min(...times) : null;
}

function countdownText(due, now = Date.now()) {
  const left = Math.round((due - now) / 1000);
  const abs = Math.abs(left);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const text = `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s`;
  return left < 0 ? `overdue by ${text}` : `due in ${text}`;
}

function countdown(due) {
  if (due === null) return element("span", { className: "countdown" }, "no SLA");
  return element("span", {
    className: "countdown",
    dataset: { due: String(due) },
    title: new Date(due).toISOString(),
  });
}

function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll(".countdown[data-due]")) {
    const due = Number(node.dataset.due);
    node.textContent = countdownText(due, now);
    node.classList.toggle("overdue", due < now);
    node.classList.toggle("running", due >= now);
  }
}

// ---- sign in -------------------------------------------------------------------------------

async function signIn(base, email, key) {
  state.base = base.replace(/\/+$/, "");
  state.auth = basicAuth(email, key);
  const { agents } = await api("GET", "/api/v3/agents");
  state.agents = agents;
  state.me = agents.find((a) => a.email.toLowerCase() === email.toLowerCase()) ?? { email };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ base, email, key }));
  $("who").textContent = `${state.me.name ?? email} (${state.me.role ?? "agent"})`;
  $("sign-in-view").hidden = true;
  $("who-bar").hidden = false;
  $("workspace").hidden = false;
  fillSelect($("mention-select"), agents.map((a) => [a.id, a.name || a.email]));
  await refresh();
  document.body.dataset.signedIn = "true";
}

function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
  location.reload();
}

// ---- views and list ------------------------------------------------------------------------

async function loadViews() {
  const { filters } = await api("GET", "/api/v3/anytime/filters");
  const query = filters.map((f) => `filterIds=${encodeURIComponent(f.id)}`).join("&");
  const counts = await api("GET", conv(`/unreadCount${query ? `?${query}` : ""}`));
  const unread = new Map(counts.filters.map((f) => [f.filterId, f.unreadCount]));
  const views = [{ id: null, name: "All conversations", count: counts.allCount }].concat(
    filters.map((f) => ({ id: f.id, name: f.name, count: unread.get(f.id) ?? 0 })),
  );
  $("filters").replaceChildren(
    ...views.map((v) =>
      element(
        "li",
        {},
        element(
          "button",
          {
            type: "button",
            className: "view",
            ariaCurrent: v.id === state.filterId ? "true" : "false",
            dataset: { filterId: v.id ?? "" },
            onclick: () => selectView(v.id, v.name),
          },
          v.name,
          element("span", { className: "badge", ariaLabel: `${v.count} unread` }, String(v.count)),
        ),
      ),
    ),
  );
}

async function loadList() {
  const params = new URLSearchParams({ sortBy: "nextSLABreach", sortOrder: "asc" });
  if (state.filterId) params.set("filterId", state.filterId);
  const { conversations, total } = await api("GET", conv(`?${params}`));
  $("list-title").textContent = `Conversations (${total})`;
  $("conversations").replaceChildren(
    ...conversations.map((c) =>
      element(
        "li",
        { className: c.isRead ? "read" : "unread" },
        element(
          "button",
          {
            type: "button",
            className: "conversation",
            ariaCurrent: state.open?.id === c.id ? "true" : "false",
            dataset: { id: String(c.id) },
            onclick: () => openConversation(c.id),
          },
          element("span", { className: "subject" }, `#${c.id} ${c.subject || "(no subject)"}`),
          element(
            "span",
            { className: "meta" },
            `${c.status} · ${c.priority} · ${agentName(c.agentAssigneeId)} · `,
            countdown(nextBreach(c)),
          ),
        ),
      ),
    ),
  );
  tick();
}

async function refresh() {
  await Promise.all([loadViews(), loadList()]);
  if (state.open) await openConversation(state.open.id);
}

async function selectView(id) {
  state.filterId = id;
  await refresh();
}

// ---- one conversation ----------------------------------------------------------------------

function fillSelect(select, options, selected) {
  select.replaceChildren(
    ...options.map(([value, label]) => element("option", { value, selected: value === selected }, label)),
  );
}

async function openConversation(id) {
  const { conversation: c } = await api("GET", conv(`/${id}?include=messages`));
  state.open = c;
  if (!c.isRead) {
    // Opening a conversation reads it, as in every help desk console.
    await api("PUT", conv(`/${id}/read`));
    await Promise.all([loadViews(), loadList()]);
  }
  $("detail").hidden = false;
  $("detail").dataset.id = String(c.id);
  $("subject").textContent = `#${c.id} ${c.subject || "(no subject)"}`;
  fillSelect($("status-select"), STATUSES.map((s) => [s, s]), c.status);
  fillSelect($("priority-select"), PRIORITIES.map((p) => [p, p]), c.priority);
  fillSelect(
    $("assignee-select"),
    [["", "unassigned"]].concat(
      state.agents.filter((a) => a.role !== "portal").map((a) => [a.id, a.name || a.email]),
    ),
    c.agentAssigneeId ?? "",
  );
  const sla = [
    ["First response", c.firstRespondBreachAt],
    ["Next response", c.nextRespondBreachAt],
    ["Resolution", c.resolveBreachAt],
  ].filter(([, at]) => at);
  $("sla").replaceChildren(
    ...sla.flatMap(([label, at]) => [
      element("dt", {}, label),
      element("dd", {}, countdown(Date.parse(at))),
    ]),
  );
  $("messages").replaceChildren(...(c.messages ?? []).map(messageItem));
  for (const button of document.querySelectorAll("button.conversation")) {
    button.ariaCurrent = button.dataset.id === String(c.id) ? "true" : "false";
  }
  tick();
}

function messageItem(m) {
  // The server sanitizes every HTML body before storing it (SPEC §8), so it can be shown as is.
  const body = element("div", { className: "body" });
  body.innerHTML = m.htmlBody ?? "";
  if (!m.htmlBody) body.textContent = m.plainBody ?? "";
  const who = m.senderType === "agent" ? agentName(m.senderId) : m.senderType;
  return element(
    "li",
    { className: `message ${m.type}`, dataset: { id: String(m.id) } },
    element("p", { className: "meta" }, `${m.type} · ${who} · ${new Date(m.time).toLocaleString()}`),
    body,
  );
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The textarea's text as HTML, with each inserted @mention as the API's mention marker. */
function replyHtml(text) {
  let html = escapeHtml(text).replace(/\n/g, "<br>");
  for (const { id, name } of state.mentions) {
    const marker = `<span data-id="${id}" class="athighlight">@${escapeHtml(name)}</span>`;
    html = html.split(`@${escapeHtml(name)}`).join(marker);
  }
  return `<p>${html}</p>`;
}

async function sendReply(event) {
  event.preventDefault();
  const text = $("body").value;
  if (!text.trim() || !state.open) return;
  const kind = new FormData(event.target).get("kind");
  await api("POST", conv(`/${state.open.id}/messages`), { type: kind, htmlBody: replyHtml(text) });
  $("body").value = "";
  state.mentions = [];
  setStatus(kind === "note" ? "Note added." : "Reply sent.");
  await refresh();
}

async function saveProperties(event) {
  event.preventDefault();
  const assignee = $("assignee-select").value;
  await api("PUT", conv(`/${state.open.id}`), {
    status: $("status-select").value,
    priority: $("priority-select").value,
    agentAssigneeId: assignee === "" ? null : assignee,
  });
  setStatus("Saved.");
  await refresh();
}

function insertMention() {
  const select = $("mention-select");
  const name = select.selectedOptions[0]?.textContent;
  if (!name) return;
  state.mentions.push({ id: select.value, name });
  const area = $("body");
  const at = area.selectionStart ?? area.value.length;
  area.value = `${area.value.slice(0, at)}@${name} ${area.value.slice(at)}`;
  area.focus();
}

// ---- wiring --------------------------------------------------------------------------------

/** Runs an action and shows its failure in `errorId` instead of throwing. */
function guarded(errorId, action) {
  return async (...args) => {
    $(errorId).textContent = "";
    try {
      await action(...args);
    } catch (e) {
      $(errorId).textContent = e.message;
    }
  };
}

$("sign-in").addEventListener(
  "submit",
  guarded("sign-in-error", async (event) => {
    event.preventDefault();
    await signIn($("server").value.trim(), $("email").value.trim(), $("api-key").value.trim());
  }),
);
$("sign-out").addEventListener("click", signOut);
$("reply").addEventListener("submit", guarded("detail-error", sendReply));
$("properties").addEventListener("submit", guarded("detail-error", saveProperties));
$("mention").addEventListener("click", insertMention);
setInterval(tick, 1000);

const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
if (saved) {
  guarded("sign-in-error", () => signIn(saved.base, saved.email, saved.key))();
}
document.body.dataset.ready = "true";
