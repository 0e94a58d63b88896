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
    // An endpoint's unread changes are known only to the endpoint: inbound lag is the time since
    // the last successful read began.
    parts.push(value.changes === null
      ? `${direction}: read ${Math.round(value.seconds)} s ago`
      : `${direction}: ${value.changes} changes, oldest ${Math.round(value.seconds)} s`);
  }
  return parts.join("; ") || "—";
}

async function overview(view) {
  const [links, endpoints, collections, conflicts, runs] = await Promise.all([
    listOrNull("/v1/links"), listOrNull("/v1/endpoints"), listOrNull("/v1/collections?counts=true"),
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
    view.append(table("Endpoints, their connectors and health", ["Endpoint", "Connector", "Run modes", "Health"],
      endpoints.map(e => {
        const bad = (links || []).filter(link => link.endpoint === e.name && failing(link)).length;
        const result = el("span", { role: "status" });
        return el("tr", { class: bad ? "attention" : null, "data-endpoint": e.name },
          el("th", { scope: "row" }, el("a", { href: `#/endpoints/${encodeURIComponent(e.name)}` }, e.name)),
          el("td", {}, e.connector), el("td", {}, (e.allowedRunModes || []).join(", ")),
          el("td", {}, bad ? el("span", { class: "error" }, `${bad} failing link${bad > 1 ? "s" : ""}`) : "links ok", " ",
            el("button", { type: "button", "aria-label": `Test the connection of ${e.name}`, onclick: () => testConnection(e.name, result) },
              "Test"), " ", result));
      }), "No endpoints yet."));
  }
  view.append(el("h3", {}, "Collections"));
  view.append(table("Collections this token may see", ["Collection", "Records", "Changed in the last hour"],
    (collections || []).map(c => el("tr", { "data-collection": c.name },
      el("th", { scope: "row" }, el("a", { href: `#/collections/${encodeURIComponent(c.name)}` }, c.name)),
      el("td", {}, c.records ?? "—"), el("td", {}, c.changedLastHour ?? "—"))),
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
    "Each parked conflict: the hub's record and the endpoint's object, field by field. Take one side (the other is overwritten), or merge the two."));
  if (open.length === 0) view.append(el("p", { id: "no-conflicts" }, "No open conflicts."));
  for (const conflict of open) {
    const fields = fieldsOf(conflict.base, conflict.hub, conflict.endpoint);
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
      conflict.base ? el("p", { class: "muted" }, "Bold: changed since the two were last in sync.") : null,
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Field"),
          conflict.base ? el("th", { scope: "col" }, "Last in sync") : null,
          el("th", { scope: "col" }, "Hub"), el("th", { scope: "col" }, "Endpoint"))),
        el("tbody", {}, fields.map(name => {
          const hub = conflict.hub?.[name];
          const endpoint = conflict.endpoint?.[name];
          const base = conflict.base ? show(conflict.base[name]) : null;
          const side = value => el("td", { class: base !== null && show(value) !== base ? "changed" : null }, show(value));
          return el("tr", { class: show(hub) !== show(endpoint) ? "differs" : null },
            el("th", { scope: "row" }, name), base !== null ? el("td", { class: "base" }, base) : null, side(hub), side(endpoint));
        }))),
      el("button", { type: "button", onclick: decide("hub"), "aria-label": `Keep the hub's version of record ${conflict.recordId}` }, "Keep hub"),
      " ",
      el("button", { type: "button", onclick: decide("endpoint"), "aria-label": `Keep the endpoint's version of record ${conflict.recordId}` }, "Keep endpoint"),
      " ",
      conflict.hub && conflict.endpoint ? mergeEditor(conflict, fields, message) : null,
      message));
  }
  const resolved = await listOrNull("/v1/conflicts?state=resolved");
  view.append(el("h3", {}, "Resolved"));
  view.append(table("Recorded decisions", ["Record", "Link", "Policy", "Winner", "Resolved"],
    (resolved || []).map(c => el("tr", { "data-resolved": c.id }, el("th", { scope: "row" }, c.recordId || "—"),
      el("td", {}, c.link), el("td", {}, c.policy), el("td", {}, c.decision || "—"), el("td", {}, c.resolved || "—"))),
    "No decisions recorded yet."));
}

/** Field by field, pick a side (or edit the result) and keep the merge. */
function mergeEditor(conflict, fields, message) {
  const chosen = {};
  for (const name of fields) chosen[name] = conflict.hub[name] !== undefined ? "hub" : "endpoint";
  const result = el("textarea", { rows: Math.min(12, fields.length + 2), cols: 60, id: `merge-${conflict.id}`,
    "aria-label": `The merged record ${conflict.recordId}, as JSON (edit freely)` });
  const compose = () => {
    const merged = {};
    for (const name of fields) {
      const value = chosen[name] === "hub" ? conflict.hub[name] : conflict.endpoint[name];
      if (value !== undefined) merged[name] = value;
    }
    result.value = JSON.stringify(merged, null, 2);
  };
  compose();
  const group = el("fieldset", { class: "merge", hidden: true },
    el("legend", {}, `Merge record ${conflict.recordId}: take each field from one side, or edit the result`),
    fields.filter(name => show(conflict.hub[name]) !== show(conflict.endpoint[name])).map(name => el("div", { class: "choice" },
      el("span", {}, `${name}: `),
      ["hub", "endpoint"].map(side => el("label", { class: "inline" },
        el("input", { type: "radio", name: `merge-${conflict.id}-${name}`, value: side, checked: chosen[name] === side,
          onchange: () => { chosen[name] = side; compose(); } }),
        ` ${side} (${show(conflict[side][name])})`)))),
    el("label", { for: `merge-${conflict.id}` }, "Merged record"), result, el("br"),
    el("button", { type: "button", "aria-label": `Keep the merged version of record ${conflict.recordId}`, onclick: async () => {
      let data;
      try {
        data = JSON.parse(result.value);
      } catch (e) {
        message.textContent = `The merged record is not valid JSON: ${e.message}`;
        message.className = "error";
        return;
      }
      try {
        await api(`/v1/conflicts/${encodeURIComponent(conflict.id)}/resolve`, { method: "POST", body: { take: "merged", data } });
        route();
      } catch (e) {
        message.textContent = `Not resolved: ${e.message}`;
        message.className = "error";
      }
    } }, "Keep merge"));
  const open = el("button", { type: "button", "aria-expanded": "false", "aria-label": `Edit a merge of record ${conflict.recordId}`,
    onclick: () => {
      group.hidden = !group.hidden;
      open.setAttribute("aria-expanded", String(!group.hidden));
    } }, "Edit a merge…");
  return el("span", {}, open, group);
}

function counts(part) {
  if (!part) return "—";
  return `+${part.created || 0} ~${part.updated || 0} -${part.deleted || 0}`
    + (part.conflicts ? `, ${part.conflicts} conflicts` : "") + (part.failed ? `, ${part.failed} failed` : "")
    + (part.rejected ? `, ${part.rejected} refused` : "");
}

function duration(run) {
  // Both ends from the hub's clock: the browser's may differ.
  if (!run.started || !run.finished) return run.started ? "going" : "—";
  return `${((Date.parse(run.finished) - Date.parse(run.started)) / 1000).toFixed(1)} s`;
}

/**
 * The runs as a timeline, oldest on the left: a mark per run, coloured by its outcome, as wide as
 * its share of the longest run shown (at least a sliver); each says what it was in its label.
 */
function timeline(runs) {
  const ordered = [...runs].reverse();
  const seconds = run => run.started && run.finished ? (Date.parse(run.finished) - Date.parse(run.started)) / 1000 : 0;
  const longest = Math.max(...ordered.map(seconds), 0.001);
  return el("ol", { class: "timeline", "aria-label": "Runs in time order, oldest first" },
    ordered.map(run => {
      const label = `${run.mode} run ${run.id.slice(0, 8)}, ${run.state}, started ${run.started || "not yet"}, took ${duration(run)}`;
      const mark = el("li", { class: `run-${run.state}`, title: label }, el("span", { class: "visually-hidden" }, label));
      mark.style.flexGrow = Math.max(seconds(run) / longest, 0.05); // CSSOM, which the page's CSP allows
      return mark;
    }));
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
  // The runs before the link: a run that ends between the two reads is then still followed (and
  // the page renders again at its end) instead of the link's state saying a run goes that the list
  // shows ended.
  const runs = (await api(`/v1/runs?link=${encodeURIComponent(name)}&limit=50`)).items;
  const link = await api(`/v1/links/${encodeURIComponent(name)}`);
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
  if (!name.startsWith("sdata:")) view.append(el("p", {}, el("a", { href: `#/links/${encodeURIComponent(name)}/edit`, id: "edit-link" }, "Change this link")));
  view.append(el("p", { id: "link-summary" }, `${link.endpoint} (${link.objectClass}) ⇄ collection ${link.collection}; direction ${link.direction},`
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
  if (!active && state.status === "running") {
    setTimeout(() => { if (location.hash === `#/links/${encodeURIComponent(name)}`) route(); }, 1000); // one began meanwhile
  } else if (active) {
    following?.abort();
    following = new AbortController();
    followRun(active.id, (event, run) => {
      bar.value = run.progress || 0;
      phase.textContent = `${run.state}, ${run.phase || ""}${run.error ? ` — ${run.error}` : ""}`;
      if (event === "end") setTimeout(route, 300);
    }, following.signal).catch(() => {});
  }

  const refused = name.startsWith("sdata:") ? [] : (await api(`/v1/conflicts?state=rejected&link=${encodeURIComponent(name)}`)).items;
  view.append(el("h3", {}, "Records the endpoint refused"));
  view.append(el("p", { class: "muted" }, "A run goes on past a record the endpoint refuses and lists it here with the"
    + " endpoint's reason. Retry writes the hub's record to it again at the next run; skip leaves it unwritten until"
    + " it changes on the hub."));
  view.append(table("Refused records, with the endpoint's reason", ["Record", "Reason", "Data", "Refused", ""],
    refused.map(conflict => {
      const outcome = el("span", { role: "status" });
      const settle = take => async () => {
        try {
          await api(`/v1/conflicts/${encodeURIComponent(conflict.id)}/resolve`, { method: "POST", body: { take } });
          route();
        } catch (e) {
          outcome.textContent = `Not done: ${e.message}`;
          outcome.className = "error";
        }
      };
      return el("tr", { "data-refused": conflict.recordId, class: "attention" },
        el("th", { scope: "row" }, conflict.recordId), el("td", { class: "error" }, conflict.detail || ""),
        el("td", { class: "data" }, JSON.stringify(conflict.hub)), el("td", {}, conflict.created || ""),
        el("td", {}, el("button", { type: "button", onclick: settle("hub"), "aria-label": `Retry record ${conflict.recordId}` }, "Retry"),
          " ", el("button", { type: "button", onclick: settle("skip"), "aria-label": `Skip record ${conflict.recordId}` }, "Skip"), " ", outcome));
    }), "None."));

  view.append(el("h3", {}, "Runs"));
  if (runs.length > 0) view.append(timeline(runs));
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

// ---- forms

/** The field a problem of a refused definition is about (docs/api.md, Errors), or null for the whole. */
function problemField(problem) {
  let match = /^config: (?:unknown setting )?'([^']+)'/.exec(problem);
  if (match) return `config.${match[1]}`;
  match = /^'([A-Za-z]+)/.exec(problem);
  return match ? match[1] : null;
}

/** A labelled control with its hint and a place for its error, tied together for screen readers. */
function field(key, label, control, hint) {
  const id = `field-${key.replace(/\W/g, "-")}`;
  control.id = id;
  control.name = key;
  control.dataset.field = key;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  control.setAttribute("aria-describedby", `${hintId} ${errorId}`);
  return el("div", { class: "field" },
    el("label", { for: id }, label),
    control,
    el("p", { class: "hint muted", id: hintId }, hint || ""),
    el("p", { class: "field-error error", id: errorId, "data-error-for": key }));
}

function select(options, value) {
  return el("select", {}, options.map(([v, text]) => el("option", { value: v, selected: v === value }, text)));
}

/** Shows each problem next to its field (or at the top of the form); true when there were any. */
function showProblems(form, error) {
  for (const node of form.querySelectorAll("[data-error-for]")) node.textContent = "";
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const general = form.querySelector(".form-error");
  general.textContent = "";
  if (!error) return false;
  const problems = error.problems && error.problems.length ? error.problems : [error.message];
  const unplaced = [];
  let first = null;
  for (const problem of problems) {
    const key = problemField(problem);
    const place = key && form.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
    if (place) {
      const text = problem.replace(/^config: /, "");
      place.textContent = place.textContent ? `${place.textContent} ${text}` : text;
      const control = form.querySelector(`[data-field="${CSS.escape(key)}"]`);
      control?.setAttribute("aria-invalid", "true");
      first = first || control;
    } else {
      unplaced.push(problem);
    }
  }
  general.textContent = unplaced.length ? unplaced.join(" ") : `${problems.length === 1 ? "A problem" : "Problems"} marked below.`;
  (first || general).focus?.();
  return true;
}

function formShell(id, title, controls, submitLabel, onsubmit, extra) {
  const form = el("form", { id, novalidate: true, "aria-labelledby": `${id}-title` },
    el("h3", { id: `${id}-title` }, title),
    el("p", { class: "form-error error", role: "alert", tabindex: "-1" }),
    controls,
    el("div", { class: "actions" }, el("button", { type: "submit", id: `${id}-submit` }, submitLabel), extra || null),
    el("p", { class: "form-result", role: "status" }));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    try {
      await onsubmit(form);
    } catch (e) {
      if (e.status === 401) return;
      showProblems(form, e);
    }
  });
  return form;
}

// ---- endpoints

async function endpointsPage(view) {
  const endpoints = await listOrNull("/v1/endpoints");
  view.append(el("h2", {}, "Endpoints"));
  if (endpoints === null) {
    view.append(el("p", { class: "muted" }, "Endpoints need an admin token."));
    return;
  }
  view.append(el("p", {}, el("a", { href: "#/endpoints/new", id: "new-endpoint" }, "New endpoint"), " · ",
    el("a", { href: "#/links/new", id: "new-link" }, "New link")));
  view.append(table("Endpoints, their connectors and run modes", ["Endpoint", "Connector", "Run modes", "Connection"],
    endpoints.map(endpoint => {
      const result = el("span", { role: "status" });
      return el("tr", { "data-endpoint": endpoint.name },
        el("th", { scope: "row" }, el("a", { href: `#/endpoints/${encodeURIComponent(endpoint.name)}` }, endpoint.name)),
        el("td", {}, endpoint.connector), el("td", {}, (endpoint.allowedRunModes || []).join(", ")),
        el("td", {}, el("button", { type: "button", "aria-label": `Test the connection of ${endpoint.name}`,
          onclick: () => testConnection(endpoint.name, result) }, "Test connection"), " ", result));
    }), "No endpoints yet."));
}

async function testConnection(name, place) {
  place.textContent = "testing…";
  place.className = "muted";
  try {
    const test = await api(`/v1/endpoints/${encodeURIComponent(name)}/test`, { method: "POST" });
    place.textContent = test.ok ? "connection works" : `connection failed: ${test.error}`;
    place.className = test.ok ? "status-succeeded" : "error";
  } catch (e) {
    place.textContent = `not tested: ${e.message}`;
    place.className = "error";
  }
}

function settingControl(setting, value, editing) {
  let control;
  if (setting.type === "boolean") {
    control = select([["", setting.default === undefined ? "(not set)" : `(default: ${setting.default})`], ["true", "true"], ["false", "false"]],
      value === undefined || value === null ? "" : String(value));
  } else {
    const type = setting.secret ? "password" : setting.type === "int" || setting.type === "long" ? "number" : "text";
    control = el("input", { type, autocomplete: setting.secret ? "new-password" : "off" });
    if (setting.secret) {
      control.placeholder = editing && value ? "unchanged (type to replace)" : "";
      control.dataset.kept = editing && value ? "yes" : "no";
    } else if (value !== undefined && value !== null) {
      control.value = Array.isArray(value) ? value.join(", ") : String(value);
    }
    if (setting.default !== undefined && !setting.secret) control.placeholder = `default: ${setting.default}`;
    else if (setting.type === "duration" && !control.placeholder) control.placeholder = "e.g. PT30S";
  }
  if (setting.required) control.setAttribute("aria-required", "true");
  return control;
}

function settingValue(setting, control) {
  const raw = control.value.trim();
  if (setting.secret && raw === "" && control.dataset.kept === "yes") return "******";
  if (raw === "") return undefined;
  if (setting.type === "boolean") return raw === "true";
  if ((setting.type === "int" || setting.type === "long") && /^-?\d+$/.test(raw)) return Number(raw);
  if (setting.type === "list") return raw.split(",").map(item => item.trim()).filter(Boolean);
  return raw;
}

const RUN_MODES = ["manual", "scheduled", "external"];

async function endpointForm(view, name) {
  const editing = name !== null;
  const [connectors, existing] = await Promise.all([api("/v1/connectors").then(a => a.items),
    editing ? api(`/v1/endpoints/${encodeURIComponent(name)}`) : Promise.resolve(null)]);
  view.append(el("h2", {}, editing ? `Endpoint ${name}` : "New endpoint"));
  view.append(el("p", {}, el("a", { href: "#/endpoints" }, "All endpoints")));
  const nameInput = el("input", { type: "text", required: true, autocomplete: "off", value: editing ? name : null, readonly: editing });
  const connector = select(connectors.map(c => [c.name, `${c.name} — ${c.description}`]),
    existing ? existing.connector : (connectors.find(c => c.name === "jdbc") || connectors[0])?.name);
  const settings = el("fieldset", { id: "settings" });
  const modes = el("fieldset", { id: "run-modes" }, el("legend", {}, "Allowed run modes"),
    RUN_MODES.map(mode => el("label", { class: "inline" },
      el("input", { type: "checkbox", value: mode, checked: !existing || (existing.allowedRunModes || []).includes(mode),
        "data-field": "allowedRunModes" }), ` ${mode}`)),
    el("p", { class: "field-error error", "data-error-for": "allowedRunModes" }));
  let controls = [];
  const renderSettings = () => {
    const type = connectors.find(c => c.name === connector.value);
    const values = existing && existing.connector === connector.value ? existing.config || {} : {};
    controls = (type?.settings || []).map(setting => [setting, settingControl(setting, values[setting.name], editing)]);
    settings.replaceChildren(el("legend", {}, `Settings of the ${connector.value} connector`),
      ...(controls.length ? controls.map(([setting, control]) => field(`config.${setting.name}`,
        `${setting.name}${setting.required ? " (required)" : ""}${setting.secret ? " (secret)" : ""}`, control,
        `${setting.description} (${setting.type})`)) : [el("p", { class: "muted" }, "This connector has no settings.")]),
      el("p", { class: "field-error error", "data-error-for": "config" }));
  };
  connector.addEventListener("change", renderSettings);
  renderSettings();
  const test = el("span", { role: "status", id: "endpoint-test" });
  const form = formShell("endpoint-form", editing ? "Change the endpoint" : "Create an endpoint", [
    field("name", "Name", nameInput, "1 to 64 letters, digits, _ or -"),
    field("connector", "Connector", connector, "what kind of system it is; its settings follow"),
    settings, modes,
  ], "Save", async form => {
    const config = {};
    for (const [setting, control] of controls) {
      const value = settingValue(setting, control);
      if (value !== undefined) config[setting.name] = value;
    }
    const allowedRunModes = [...modes.querySelectorAll("input:checked")].map(box => box.value);
    const endpointName = nameInput.value.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(endpointName)) {
      showProblems(form, { problems: ["'name' must be 1 to 64 letters, digits, _ or -, starting with a letter or digit"] });
      return;
    }
    const saved = await api(`/v1/endpoints/${encodeURIComponent(endpointName)}`, { method: "PUT",
      body: { connector: connector.value, config, allowedRunModes } });
    showProblems(form, null);
    form.querySelector(".form-error").textContent = "";
    const result = form.querySelector(".form-result");
    result.textContent = `Saved endpoint ${endpointName}. Connection test: `
      + (saved.test ? saved.test.ok ? "it works." : `it failed — ${saved.test.error}` : "not run.");
    result.className = `form-result ${saved.test && !saved.test.ok ? "error" : "status-succeeded"}`;
    if (!editing) history.replaceState(null, "", `#/endpoints/${encodeURIComponent(endpointName)}`);
  }, editing ? el("button", { type: "button", id: "endpoint-test-button", onclick: () => testConnection(name, test) }, "Test connection") : null);
  if (editing) form.querySelector(".actions").append(" ", test);
  view.append(form);
}

// ---- link definitions

const LINK_CHOICES = {
  direction: [["in", "in — endpoint to hub"], ["out", "out — hub to endpoint"], ["both", "both"]],
  mode: [["batch", "batch — runs when asked or scheduled"], ["continuous", "continuous — runs all the time"]],
  conflictPolicy: [["", "(default)"], ["hubWins", "hubWins"], ["endpointWins", "endpointWins"],
    ["lastWriterWins", "lastWriterWins"], ["manual", "manual — park for a person"]],
  deletionDetection: [["", "(default)"], ["native", "native"], ["tracked", "tracked"], ["enumerate", "enumerate"], ["countRange", "countRange"]],
  recordIds: [["", "(default: generated)"], ["generated", "generated"], ["endpointKey", "endpointKey"]],
};

const LINK_LABELS = {
  name: "Name", endpoint: "Endpoint", objectClass: "Object class", collection: "Collection", direction: "Direction",
  mode: "Mode", conflictPolicy: "Conflict policy", schedule: "Schedule", deletionDetection: "Deletion detection",
  recordIds: "Record ids", keyField: "Key field", timestampField: "Timestamp field", fieldMap: "Field map",
};

async function linkForm(view, name) {
  const editing = name !== null;
  const [endpoints, existing] = await Promise.all([api("/v1/endpoints").then(a => a.items),
    editing ? api(`/v1/links/${encodeURIComponent(name)}`) : Promise.resolve({})]);
  view.append(el("h2", {}, editing ? `Change link ${name}` : "New link"));
  const text = (key, readonly) => el("input", { type: "text", autocomplete: "off", value: existing[key] ?? null, readonly: readonly || null });
  const controls = {
    name: el("input", { type: "text", autocomplete: "off", value: editing ? name : null, readonly: editing || null }),
    endpoint: select(endpoints.map(e => [e.name, `${e.name} (${e.connector})`]), existing.endpoint),
    objectClass: text("objectClass"),
    collection: text("collection"),
    direction: select(LINK_CHOICES.direction, existing.direction || "both"),
    mode: select(LINK_CHOICES.mode, existing.mode || "batch"),
    conflictPolicy: select(LINK_CHOICES.conflictPolicy, existing.conflictPolicy || ""),
    schedule: text("schedule"),
    deletionDetection: select(LINK_CHOICES.deletionDetection, existing.deletionDetection || ""),
    recordIds: select(LINK_CHOICES.recordIds, existing.recordIds || ""),
    keyField: text("keyField"),
    timestampField: text("timestampField"),
    fieldMap: el("textarea", { rows: 5, cols: 40 },
      Object.entries(existing.fieldMap || {}).map(([hub, endpoint]) => `${hub} = ${endpoint}`).join("\n")),
  };
  const hints = {
    name: "1 to 64 letters, digits, _ or -", endpoint: "the external system", objectClass: "its table or object class",
    collection: "the hub collection", schedule: "optional, an ISO-8601 duration such as PT5M (batch links)",
    keyField: "with record ids endpointKey: the endpoint field that holds the id",
    timestampField: "with lastWriterWins: the endpoint field holding the change time",
    fieldMap: "one per line: hubField = endpointField (empty: fields keep their names)",
  };
  view.append(formShell("link-form", editing ? "Change the link" : "Create a link",
    Object.entries(controls).map(([key, control]) => field(key, LINK_LABELS[key], control, hints[key])), "Save", async form => {
      const body = {};
      for (const [key, control] of Object.entries(controls)) {
        if (key === "name" || key === "fieldMap") continue;
        const value = control.value.trim();
        if (value !== "") body[key] = value;
      }
      const map = {};
      const bad = [];
      for (const line of controls.fieldMap.value.split("\n").map(l => l.trim()).filter(Boolean)) {
        const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(line);
        if (match) map[match[1]] = match[2];
        else bad.push(line);
      }
      if (bad.length) {
        showProblems(form, { problems: [`'fieldMap' lines must read hubField = endpointField; not: ${bad.join("; ")}`] });
        return;
      }
      if (Object.keys(map).length) body.fieldMap = map;
      const linkName = controls.name.value.trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(linkName)) {
        showProblems(form, { problems: ["'name' must be 1 to 64 letters, digits, _ or -, starting with a letter or digit"] });
        return;
      }
      await api(`/v1/links/${encodeURIComponent(linkName)}`, { method: "PUT", body });
      location.hash = `#/links/${encodeURIComponent(linkName)}`;
    }));
}

// ---- collections

async function collectionsPage(view) {
  const collections = (await api("/v1/collections?counts=true")).items;
  view.append(el("h2", {}, "Collections"));
  view.append(table("Collections this token may see", ["Collection", "Records", "Changed in the last hour", "Tombstones kept"],
    collections.map(c => el("tr", { "data-collection": c.name },
      el("th", { scope: "row" }, el("a", { href: `#/collections/${encodeURIComponent(c.name)}` }, c.name)),
      el("td", {}, c.records ?? "—"), el("td", {}, c.changedLastHour ?? "—"), el("td", {}, `${c.retentionDays} days`))),
    "No collections yet."));
}

async function collectionPage(view, name, filter, pageToken) {
  view.append(el("h2", {}, `Collection ${name}`));
  view.append(el("p", {}, el("a", { href: "#/collections" }, "All collections")));
  const input = el("input", { type: "text", value: filter || "", autocomplete: "off", size: 60,
    placeholder: "e.g. status eq 'active' and age ge 18" });
  const form = formShell("filter-form", "Find records", [field("filter", "Filter", input,
    "the filter language of the change feed (docs/api.md, Filters); empty: every record")], "Search", async () => {
    location.hash = `#/collections/${encodeURIComponent(name)}?filter=${encodeURIComponent(input.value.trim())}`;
  });
  view.append(form);
  const query = new URLSearchParams({ maxResults: "50" });
  if (filter) query.set("filter", filter);
  if (pageToken) query.set("pageToken", pageToken);
  let page;
  try {
    page = await api(`/v1/collections/${encodeURIComponent(name)}/records?${query}`);
  } catch (e) {
    if (e.status === 400) {
      showProblems(form, { problems: [`'filter' ${e.message}`] });
      return;
    }
    throw e;
  }
  view.append(table(`Records${filter ? " matching the filter" : ""}`, ["Record", "Version", "Changed", "Data"],
    (page.items || []).map(record => el("tr", { "data-record": record.id },
      el("th", { scope: "row" }, el("a", { href: `#/collections/${encodeURIComponent(name)}/records/${encodeURIComponent(record.id)}` }, record.id)),
      el("td", {}, record.etag), el("td", {}, record.updated),
      el("td", { class: "data" }, JSON.stringify(record.data).slice(0, 200)))),
    filter ? "No record on this page matches." : "No records."));
  if (page.nextPageToken) {
    view.append(el("p", {}, el("a", { id: "next-page",
      href: `#/collections/${encodeURIComponent(name)}?${new URLSearchParams({ filter: filter || "", page: page.nextPageToken })}` }, "Next page")));
  }
}

async function recordPage(view, collection, id) {
  const record = await api(`/v1/collections/${encodeURIComponent(collection)}/records/${encodeURIComponent(id)}`);
  view.append(el("h2", {}, `Record ${id}`));
  view.append(el("p", {}, el("a", { href: `#/collections/${encodeURIComponent(collection)}` }, `Collection ${collection}`)));
  view.append(el("p", { class: "muted" }, "The change log keeps each record's latest version (earlier ones are replaced"
    + " as it changes); the conflicts below keep both sides of each clash recorded for it."));
  view.append(table("The version the change log holds", ["Version", "Changed", "Field", "Value"],
    Object.keys(record.data || {}).sort().map((name, i) => el("tr", {},
      el("td", {}, i === 0 ? record.etag : ""), el("td", {}, i === 0 ? record.updated : ""),
      el("th", { scope: "row" }, name), el("td", {}, show(record.data[name])))), "An empty record."));
  const conflicts = await listOrNull("/v1/conflicts?state=all");
  if (conflicts !== null) {
    const mine = conflicts.filter(c => c.recordId === id);
    view.append(el("h3", {}, "Conflicts of this record"));
    view.append(table("Clashes recorded for this record", ["Link", "State", "Decision", "Hub side", "Endpoint side", "When"],
      mine.map(c => el("tr", {}, el("td", {}, c.link), el("td", {}, c.state), el("td", {}, c.decision || "—"),
        el("td", {}, JSON.stringify(c.hub)), el("td", {}, JSON.stringify(c.endpoint)), el("td", {}, c.resolved || c.created || ""))),
      "None recorded."));
  }
}

// ---- tokens

async function tokensPage(view) {
  const tokens = await listOrNull("/v1/tokens");
  view.append(el("h2", {}, "Tokens"));
  if (tokens === null) {
    view.append(el("p", { class: "muted" }, "Tokens need an admin token."));
    return;
  }
  const name = el("input", { type: "text", autocomplete: "off" });
  const scopes = el("input", { type: "text", autocomplete: "off", placeholder: "read:notes write:notes" });
  const expires = select([["", "never"], ["P7D", "in 7 days"], ["P30D", "in 30 days"], ["P90D", "in 90 days"], ["P365D", "in a year"]], "P90D");
  const created = el("div", { id: "token-created", role: "status" });
  view.append(formShell("token-form", "Create a token", [
    field("name", "Name", name, "who or what uses it, for people"),
    field("scopes", "Scopes", scopes, "separated by spaces: admin, read:<collection>, write:<collection> (* = every collection), trigger:<endpoint>"),
    field("expiresIn", "Expires", expires, "it stops working then")], "Create", async form => {
    const answer = await api("/v1/tokens", { method: "POST", body: {
      name: name.value, scopes: scopes.value.split(/[\s,]+/).filter(Boolean), expiresIn: expires.value || null } });
    showProblems(form, null);
    form.querySelector(".form-error").textContent = "";
    const secret = el("input", { type: "text", readonly: true, value: answer.secret, id: "token-secret", size: 60,
      "aria-label": `The secret of token ${answer.name}` });
    created.replaceChildren(el("p", { class: "status-succeeded" },
      `Created token ${answer.name} (${answer.id}). Copy its secret now: it is not shown again.`), secret,
      el("p", {}, el("a", { href: "#/tokens", onclick: () => setTimeout(route, 0) }, "Done — show the list")));
    secret.focus();
    secret.select();
  }));
  view.append(created);
  view.append(table("Live tokens (never their secrets)", ["Name", "Id", "Scopes", "Created", "Expires", "Last used", ""],
    tokens.map(token => {
      const cell = el("td", {});
      const message = el("span", { role: "status" });
      const ask = el("button", { type: "button", "aria-label": `Revoke token ${token.name}`, onclick: () => {
        cell.replaceChildren(`Revoke ${token.name}${token.self ? " — the token you are using" : ""}? `,
          el("button", { type: "button", "aria-label": `Yes, revoke token ${token.name}`, onclick: async () => {
            try {
              await api(`/v1/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
              if (token.self) logout("You revoked the token you were using.");
              else route();
            } catch (e) {
              message.textContent = `Not revoked: ${e.message}`;
              message.className = "error";
            }
          } }, "Yes, revoke"), " ",
          el("button", { type: "button", onclick: () => route() }, "Keep it"), message);
      } }, "Revoke");
      cell.append(ask);
      return el("tr", { "data-token": token.id },
        el("th", { scope: "row" }, token.name, token.self ? " (you)" : ""), el("td", {}, token.id),
        el("td", {}, token.scopes.join(" ")), el("td", {}, token.created), el("td", {}, token.expires || "never"),
        el("td", {}, token.lastUsed || "never"), cell);
    }), "No live tokens."));
}

// ---- read-only protocol pages

async function sdataPage(view) {
  const [resources, links] = await Promise.all([listOrNull("/v1/sdata/resources"), listOrNull("/v1/sdata/links")]);
  view.append(el("h2", {}, "SData"));
  if (resources === null) {
    view.append(el("p", { class: "muted" }, "SData needs an admin token."));
    return;
  }
  view.append(el("h3", {}, "Resource kinds"));
  view.append(table("Collections served as SData resource kinds", ["Resource", "Collection", "App / contract", "Conflict priority"],
    resources.map(r => el("tr", {}, el("th", { scope: "row" }, r.resource || r.name), el("td", {}, r.collection),
      el("td", {}, `${r.app}/${r.contract}`), el("td", {}, r.conflictPriority ?? "—"))), "No resource kinds."));
  view.append(el("h3", {}, "Links to other SData providers"));
  view.append(table("SData links", ["Link", "Resource", "Direction", "Remote", "Runs every"],
    links.map(l => el("tr", {}, el("th", { scope: "row" }, el("a", { href: `#/links/sdata:${encodeURIComponent(l.name)}` }, l.name)),
      el("td", {}, l.resource), el("td", {}, l.direction), el("td", {}, l.remote?.url || "—"), el("td", {}, l.every || "when run"))),
    "No SData links."));
}

async function esaPage(view) {
  const endpoints = await listOrNull("/v1/endpoints");
  view.append(el("h2", {}, "External System Adapters"));
  if (endpoints === null) {
    view.append(el("p", { class: "muted" }, "Adapters need an admin token."));
    return;
  }
  const adapters = endpoints.filter(e => e.connector === "esa");
  const details = await Promise.all(adapters.map(e => api(`/v1/endpoints/${encodeURIComponent(e.name)}/esa`).catch(() => null)));
  view.append(table("Endpoints that are remote adapters", ["Endpoint", "External system", "Run modes", "Parameters"],
    adapters.map((e, i) => el("tr", {}, el("th", { scope: "row" }, el("a", { href: `#/endpoints/${encodeURIComponent(e.name)}` }, e.name)),
      el("td", {}, details[i]?.externalSystemId ?? "—"),
      el("td", {}, (e.allowedRunModes || []).join(", ")),
      el("td", {}, Object.entries(details[i]?.parameters || {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : v}`).join("; ") || "—"))),
    "No adapter endpoints."));
}

async function servicesPage(view) {
  const services = (await api("/v1/services")).items;
  view.append(el("h2", {}, "Offline object services"));
  view.append(table("Object services this token may read", ["Service", "Objects (collection, conflict policy)", "Upload parameters"],
    services.map(svc => el("tr", {}, el("th", { scope: "row" }, svc.name),
      el("td", {}, Object.entries(svc.objects || {}).map(([name, o]) => `${name} (${o.collection}, ${o.conflictPolicy || "none"})`).join("; ")),
      el("td", {}, (svc.uploadParameters || []).map(p => p.name + (p.required ? " (required)" : "")).join(", ") || "—"))),
    "No object services."));
}

const VIEWS = {
  "#/overview": overview, "#/conflicts": conflicts, "#/endpoints": endpointsPage, "#/collections": collectionsPage,
  "#/tokens": tokensPage, "#/sdata": sdataPage, "#/esa": esaPage, "#/services": servicesPage, "#/nodes": nodes,
};

/** Pages below a section: [pattern, the section highlighted, renders(view, ...decoded groups, query)]. */
const PAGES = [
  [/^#\/links\/new$/, "#/endpoints", view => linkForm(view, null)],
  [/^#\/links\/([^?]+)\/edit$/, "#/overview", (view, name) => linkForm(view, decodeURIComponent(name))],
  [/^#\/links\/([^?]+)$/, "#/overview", (view, name) => linkPage(view, decodeURIComponent(name))],
  [/^#\/endpoints\/new$/, "#/endpoints", view => endpointForm(view, null)],
  [/^#\/endpoints\/([^?]+)$/, "#/endpoints", (view, name) => endpointForm(view, decodeURIComponent(name))],
  [/^#\/collections\/([^?/]+)\/records\/([^?]+)$/, "#/collections",
    (view, c, id) => recordPage(view, decodeURIComponent(c), decodeURIComponent(id))],
  [/^#\/collections\/([^?/]+)(?:\?(.*))?$/, "#/collections", (view, c, query) => {
    const params = new URLSearchParams(query || "");
    return collectionPage(view, decodeURIComponent(c), params.get("filter") || "", params.get("page"));
  }],
];

async function route() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    logout();
    return;
  }
  let page = null;
  let groups = [];
  for (const [pattern, section, render] of PAGES) {
    const match = pattern.exec(location.hash);
    if (match) {
      page = { section, render };
      // The query of a collection page stays encoded: URLSearchParams decodes it.
      groups = match.slice(1);
      break;
    }
  }
  const hash = page ? page.section : VIEWS[location.hash] ? location.hash : "#/overview";
  following?.abort();
  following = null;
  document.getElementById("login").hidden = true;
  document.getElementById("nav").hidden = false;
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === hash) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const view = document.getElementById("view");
  const fresh = el("section", { id: "view", "aria-live": "polite" });
  try {
    if (page) await page.render(fresh, ...groups);
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
