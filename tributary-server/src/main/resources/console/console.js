// Tributary console: a plain ES module, no build step. Everything shown comes from the hub's own
// HTTP API with the token the person logged in with; nothing from the API is ever put into the
// page as HTML (text nodes only), so record data cannot inject markup.

const TOKEN_KEY = "tributary.console.token";

/** Creates an element: el("td", {class: "x"}, "text", childNode, …). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.problems = body?.error?.problems || [];
  }
}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = { "Authorization": `Bearer ${token}`, "Accept": "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const answer = await fetch(path, {
    method: options.method || "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await answer.text();
  const body = text ? JSON.parse(text) : null;
  if (answer.status === 401) {
    logout("Your token was refused (unknown, revoked or expired). Log in again.");
    throw new ApiError(401, body);
  }
  if (!answer.ok) throw new ApiError(answer.status, body);
  return body;
}

/** The items of a list answer, or null when this token may not see them (403). */
async function listOrNull(path) {
  try {
    return (await api(path)).items;
  } catch (e) {
    if (e.status === 403) return null;
    throw e;
  }
}

function logout(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  document.getElementById("nav").hidden = true;
  document.getElementById("view").hidden = true;
  document.getElementById("login").hidden = false;
  document.getElementById("login-error").textContent = message || "";
  document.getElementById("token").value = "";
  document.getElementById("token").focus();
}

async function login(event) {
  event.preventDefault();
  const field = document.getElementById("token");
  sessionStorage.setItem(TOKEN_KEY, field.value.trim());
  try {
    await api("/v1/collections");
  } catch (e) {
    if (e.status !== 401) logout(`The hub did not answer as expected: ${e.message}`);
    return;
  }
  field.value = "";
  if (!location.hash || location.hash === "#/") location.hash = "#/overview";
  else route();
}

function status(text) {
  return el("span", { class: `status-${text}` }, text);
}

function table(caption, headers, rows, empty) {
  if (rows.length === 0) return el("p", { class: "muted" }, empty);
  return el("table", {},
    el("caption", { class: "muted" }, caption),
    el("thead", {}, el("tr", {}, headers.map(h => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows));
}

function lag(link) {
  const parts = [];
  for (const [direction, value] of Object.entries(link.lag || {})) {
    const changes = value.changes === null ? "?" : value.changes;
    parts.push(`${direction}: ${changes} changes, ${Math.round(value.seconds)} s`);
  }
  return parts.join("; ") || "—";
}

async function overview(view) {
  const [links, endpoints, collections, conflicts, runs] = await Promise.all([
    listOrNull("/v1/links"), listOrNull("/v1/endpoints"), listOrNull("/v1/collections"),
    listOrNull("/v1/conflicts"), listOrNull("/v1/runs?limit=200")]);
  const lastRun = {};
  for (const run of runs || []) if (!lastRun[run.link]) lastRun[run.link] = run;
  const failing = link => link.state?.status === "degraded" || lastRun[link.name]?.state === "failed";
  const openConflicts = conflicts || [];
  const conflictsOf = name => openConflicts.filter(c => c.link === name).length;
  const sorted = [...(links || [])].sort((a, b) =>
    (failing(b) + (conflictsOf(b.name) > 0)) - (failing(a) + (conflictsOf(a.name) > 0)) || a.name.localeCompare(b.name));

  view.append(el("h2", { id: "overview-title" }, "Overview"));
  view.append(el("div", { class: "counts" },
    el("div", { class: "count" }, el("strong", { id: "count-links" }, links ? links.length : "—"), "links"),
    el("div", { class: "count" }, el("strong", { id: "count-failing" }, (links || []).filter(failing).length), "failing links"),
    el("div", { class: "count" },
      el("strong", { id: "count-conflicts" }, conflicts ? openConflicts.length : "—"),
      el("a", { href: "#/conflicts" }, "open conflicts"))));
  if (links === null) {
    view.append(el("p", { class: "muted" }, "Links, endpoints, runs and conflicts need an admin token; this token sees its collections only."));
  } else {
    view.append(el("h3", {}, "Links"));
    view.append(table("Every link, failing ones and ones with open conflicts first",
      ["Link", "Endpoint", "Collection", "Direction", "Mode", "State", "Lag", "Last run", "Open conflicts"],
      sorted.map(link => {
        const run = lastRun[link.name];
        return el("tr", { class: failing(link) || conflictsOf(link.name) ? "attention" : null, "data-link": link.name },
          el("th", { scope: "row" }, el("a", { href: `#/links/${encodeURIComponent(link.name)}` }, link.name)),
          el("td", {}, link.endpoint), el("td", {}, link.collection),
          el("td", {}, link.direction), el("td", {}, link.mode || "batch"),
          el("td", {}, status(link.state?.status || "idle"), link.state?.lastError ? el("div", { class: "error" }, link.state.lastError) : null),
          el("td", {}, lag(link)),
          el("td", {}, run ? [status(run.state), ` ${run.finished || run.started || ""}`] : "never"),
          el("td", {}, String(conflictsOf(link.name))));
      }), "No links yet: create one with PUT /v1/links/{name} or the configuration file."));
    view.append(el("h3", {}, "Endpoints"));
    view.append(table("Endpoints and their connectors", ["Endpoint", "Connector", "Run modes"],
      endpoints.map(e => el("tr", {}, el("th", { scope: "row" }, e.name), el("td", {}, e.connector),
        el("td", {}, (e.allowedRunModes || []).join(", ")))), "No endpoints yet."));
  }
  view.append(el("h3", {}, "Collections"));
  view.append(table("Collections this token may see", ["Collection", "Retention"],
    (collections || []).map(c => el("tr", {}, el("th", { scope: "row" }, c.name), el("td", {}, c.retentionDays === undefined ? "—" : `${c.retentionDays} days`))),
    "No collections yet."));
}

function fieldsOf(...objects) {
  const names = new Set();
  for (const object of objects) if (object && typeof object === "object") Object.keys(object).forEach(n => names.add(n));
  return [...names].sort();
}

function show(value) {
  return value === undefined ? "—" : JSON.stringify(value);
}

async function conflicts(view) {
  const open = await listOrNull("/v1/conflicts?state=open");
  view.append(el("h2", {}, "Conflicts"));
  if (open === null) {
    view.append(el("p", { class: "muted" }, "Conflicts need an admin token."));
    return;
  }
  view.append(el("p", { class: "muted" },
    "Each parked conflict: the hub's record and the endpoint's object, field by field. Take one side; the other is overwritten."));
  if (open.length === 0) view.append(el("p", { id: "no-conflicts" }, "No open conflicts."));
  for (const conflict of open) {
    const fields = fieldsOf(conflict.hub, conflict.endpoint);
    const message = el("p", { role: "status", class: "muted" });
    const decide = take => async () => {
      try {
        await api(`/v1/conflicts/${encodeURIComponent(conflict.id)}/resolve`, { method: "POST", body: { take } });
        route();
      } catch (e) {
        message.textContent = `Not resolved: ${e.message}`;
        message.className = "error";
      }
    };
    const title = `conflict-${conflict.id}`;
    view.append(el("article", { class: "conflict", "aria-labelledby": title, "data-conflict": conflict.id },
      el("h3", { id: title }, `Record ${conflict.recordId || "(new)"} on link ${conflict.link}`),
      el("p", { class: "muted" }, `${(conflict.detail || "").replace(/([^.])$/, "$1.")} Policy: ${conflict.policy}.`
        + (conflict.created ? ` Parked ${conflict.created}.` : "")),
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Field"), el("th", { scope: "col" }, "Hub"),
          el("th", { scope: "col" }, "Endpoint"))),
        el("tbody", {}, fields.map(name => {
          const hub = conflict.hub?.[name];
          const endpoint = conflict.endpoint?.[name];
          return el("tr", { class: show(hub) !== show(endpoint) ? "differs" : null },
            el("th", { scope: "row" }, name), el("td", {}, show(hub)), el("td", {}, show(endpoint)));
        }))),
      el("button", { type: "button", onclick: decide("hub"), "aria-label": `Keep the hub's version of record ${conflict.recordId}` }, "Keep hub"),
      " ",
      el("button", { type: "button", onclick: decide("endpoint"), "aria-label": `Keep the endpoint's version of record ${conflict.recordId}` }, "Keep endpoint"),
      message));
  }
  const resolved = await listOrNull("/v1/conflicts?state=resolved");
  view.append(el("h3", {}, "Resolved"));
  view.append(table("Recorded decisions", ["Record", "Link", "Policy", "Winner", "Resolved"],
    (resolved || []).map(c => el("tr", { "data-resolved": c.id }, el("th", { scope: "row" }, c.recordId || "—"),
      el("td", {}, c.link), el("td", {}, c.policy), el("td", {}, c.decision || "—"), el("td", {}, c.resolved || "—"))),
    "No decisions recorded yet."));
}

function counts(part) {
  if (!part) return "—";
  return `+${part.created || 0} ~${part.updated || 0} -${part.deleted || 0}`
    + (part.conflicts ? `, ${part.conflicts} conflicts` : "") + (part.failed ? `, ${part.failed} failed` : "");
}

function duration(run) {
  // Both ends from the hub's clock: the browser's may differ.
  if (!run.started || !run.finished) return run.started ? "going" : "—";
  return `${((Date.parse(run.finished) - Date.parse(run.started)) / 1000).toFixed(1)} s`;
}

/** Follows a run's server-sent events (fetch, so the token goes in a header), calling back per event. */
async function followRun(id, onEvent, signal) {
  const answer = await fetch(`/v1/runs/${encodeURIComponent(id)}/events`, {
    headers: { "Authorization": `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, "Accept": "text/event-stream" },
    signal,
  });
  if (!answer.ok || !answer.body) return;
  const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (data) onEvent(event, JSON.parse(data));
      if (event === "end") return;
    }
  }
}

let following = null;

async function linkPage(view, name) {
  const link = await api(`/v1/links/${encodeURIComponent(name)}`);
  const runs = (await api(`/v1/runs?link=${encodeURIComponent(name)}&limit=50`)).items;
  const message = el("p", { role: "status", id: "link-message", class: "muted" });
  const act = (label, path, body) => el("button", {
    type: "button", id: `action-${label.toLowerCase().replace(/\W+/g, "-")}`,
    onclick: async () => {
      try {
        await api(path, { method: "POST", body: body === undefined ? undefined : body });
        route();
      } catch (e) {
        message.textContent = `${label}: ${e.message}`;
        message.className = "error";
      }
    },
  }, label);
  const state = link.state || {};
  const active = runs.find(run => run.state === "running" || run.state === "queued" || run.state === "pending");
  view.append(el("h2", {}, `Link ${link.name}`));
  view.append(el("p", {}, `${link.endpoint} (${link.objectClass}) ⇄ collection ${link.collection}; direction ${link.direction},`
    + ` mode ${link.mode || "batch"}, conflict policy ${link.conflictPolicy || "—"}. State: `, status(state.status || "idle"),
    state.lastError ? el("span", { class: "error" }, ` — ${state.lastError}`) : null, ". Lag: ", lag(link), "."));
  view.append(el("div", { class: "actions" },
    act("Run now", `/v1/links/${encodeURIComponent(name)}/runs`, ""), " ",
    state.paused ? act("Resume", `/v1/links/${encodeURIComponent(name)}/resume`, "")
      : act("Pause", `/v1/links/${encodeURIComponent(name)}/pause`, ""), " ",
    active ? act("Cancel the current run", `/v1/runs/${encodeURIComponent(active.id)}/cancel`, "") : null,
    message));

  const bar = el("progress", { id: "run-progress", max: 1, value: active ? active.progress || 0 : 0, "aria-labelledby": "live-title" });
  const phase = el("span", { id: "run-phase" }, active ? `${active.state}, ${active.phase || ""}` : "no run going");
  view.append(el("section", { "aria-labelledby": "live-title" },
    el("h3", { id: "live-title" }, "Current run"), bar, " ", phase));
  if (active) {
    following?.abort();
    following = new AbortController();
    followRun(active.id, (event, run) => {
      bar.value = run.progress || 0;
      phase.textContent = `${run.state}, ${run.phase || ""}${run.error ? ` — ${run.error}` : ""}`;
      if (event === "end") setTimeout(route, 300);
    }, following.signal).catch(() => {});
  }

  view.append(el("h3", {}, "Runs"));
  view.append(table("The link's runs, newest first", ["Run", "Mode", "State", "Started", "Took", "Inbound", "Outbound", "Error"],
    runs.map(run => el("tr", { "data-run": run.id, class: run.state === "failed" ? "attention" : null },
      el("th", { scope: "row" }, run.id.slice(0, 8)), el("td", {}, run.mode), el("td", {}, status(run.state)),
      el("td", {}, run.started || "—"), el("td", {}, duration(run)),
      el("td", {}, counts(run.stats?.inbound)), el("td", {}, counts(run.stats?.outbound)),
      el("td", { class: run.error ? "error" : null }, run.error || ""))),
    "No runs yet."));
}

async function nodes(view) {
  const all = await listOrNull("/v1/nodes");
  view.append(el("h2", {}, "Nodes"));
  if (all === null) {
    view.append(el("p", { class: "muted" }, "Nodes need an admin token."));
    return;
  }
  view.append(el("p", { class: "muted" },
    "The hub processes sharing this store, and the work each holds a lease on (a lease's fence grows each time it changes hands)."));
  view.append(table("Hub nodes, live ones and those stopped or silent within the last day",
    ["Node", "Id", "State", "Started", "Last heartbeat", "Leases"],
    all.map(node => el("tr", { "data-node": node.id, class: node.live ? null : "muted" },
      el("th", { scope: "row" }, node.name, node.self ? " (this node)" : ""), el("td", {}, node.id.slice(0, 8)),
      el("td", {}, status(node.live ? "live" : node.stoppedAt ? "stopped" : "silent")),
      el("td", {}, node.startedAt), el("td", {}, node.heartbeatAt),
      el("td", {}, (node.leases || []).map(lease => `${lease.name} (fence ${lease.fence})`).join(", ") || "—"))),
    "No nodes."));
}

const VIEWS = { "#/overview": overview, "#/conflicts": conflicts, "#/nodes": nodes };

async function route() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    logout();
    return;
  }
  const linkMatch = /^#\/links\/(.+)$/.exec(location.hash);
  const hash = linkMatch ? "#/overview" : VIEWS[location.hash] ? location.hash : "#/overview";
  if (!linkMatch) {
    following?.abort();
    following = null;
  }
  document.getElementById("login").hidden = true;
  document.getElementById("nav").hidden = false;
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === hash) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const view = document.getElementById("view");
  const fresh = el("section", { id: "view", "aria-live": "polite" });
  try {
    if (linkMatch) await linkPage(fresh, decodeURIComponent(linkMatch[1]));
    else await VIEWS[hash](fresh);
  } catch (e) {
    if (e.status === 401) return;
    fresh.append(el("p", { class: "error", role: "alert" }, `Could not load this page: ${e.message}`));
  }
  view.replaceWith(fresh);
}

document.getElementById("login-form").addEventListener("submit", login);
document.getElementById("logout").addEventListener("click", () => logout("Logged out."));
window.addEventListener("hashchange", route);
route();
