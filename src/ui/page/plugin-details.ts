// A plugin's details when its row is open: facts, and the logs, update and delete actions.
import { call, describe, getJson, sendJson } from "./api.ts";
import { confirmAction } from "./confirm.ts";
import { h, say, when } from "./dom.ts";
import type { PluginEntry } from "./plugins-data.ts";
import { fileUrl, uploadFile } from "./upload.ts";

export interface DetailActions {
  onLogs(name: string): void;
  onChanged(): void;
}

/** A REST session of the data plane (GET /plugins/portables/{name}/sessions). */
interface Session {
  id: string;
  kind: string;
  symbol: string;
  clients: string[];
}

/** Fills `body` with the facts (renewed at each call) and, once, the action controls. */
export function renderDetails(body: HTMLElement, entry: PluginEntry, actions: DetailActions) {
  const facts = h("dl", { class: "facts" });
  for (const [term, value] of factsOf(entry)) facts.append(h("dt", {}, term), h("dd", {}, value));
  if (entry.kind === "portables") {
    const sessions = h("dd", {}, body.dataset.sessions ?? "…");
    facts.append(h("dt", {}, "REST sessions"), sessions);
    void showSessions(entry.name, body, sessions);
  }
  const old = body.querySelector("dl.facts");
  if (old) old.replaceWith(facts);
  else body.prepend(facts);
  if (!body.querySelector(".actions")) body.append(actionControls(entry, actions));
}

/** The data plane's sessions of a portable, kept on `body` so the next redraw starts with them. */
async function showSessions(name: string, body: HTMLElement, target: HTMLElement) {
  try {
    const sessions = await sessionsOf(name);
    const text = sessions.map(
      (s) => `${s.kind} ${s.symbol} (${s.clients.join(", ") || "no client"})`,
    );
    body.dataset.sessions = text.join("; ") || "none";
  } catch (error) {
    body.dataset.sessions = describe(error);
  }
  target.textContent = body.dataset.sessions;
}

function sessionsOf(name: string): Promise<Session[]> {
  return getJson<Session[]>(`/plugins/portables/${encodeURIComponent(name)}/sessions`);
}

function factsOf(entry: PluginEntry): [string, Node | string][] {
  const facts: [string, Node | string][] = [
    ["Kind", entry.kind],
    ["Version", entry.version ?? "…"],
  ];
  if (entry.functions) facts.push(["Functions", entry.functions.join(", ") || "–"]);
  const { portable, status } = entry;
  if (portable) {
    facts.push(["Sources", portable.sources.join(", ") || "–"]);
    facts.push(["Sinks", portable.sinks.join(", ") || "–"]);
  }
  if (status) {
    facts.push(["Status", status.status], ["Pid", String(status.pid)]);
    facts.push(["Restarts", String(status.restarts)], ["Started at", when(status.startedAt)]);
    const users = Object.entries(status.refCount).map(([rule, n]) => `${rule}: ${n}`);
    facts.push(["Used by (refCount)", users.join(", ") || "nobody"]);
    if (status.errMsg) facts.push(["Last error", h("pre", { class: "error-text" }, status.errMsg)]);
  }
  return facts;
}

function actionControls(entry: PluginEntry, actions: DetailActions): HTMLElement {
  const id = `${entry.kind}-${entry.name}`;
  const result = h("p", { class: "result", role: "status", id: `${id}-result` });
  const url = h("input", { id: `${id}-url`, type: "url", placeholder: "http://…/plugin.zip" });
  const file = h("input", { id: `${id}-file`, type: "file", accept: ".zip" });
  const progress = h("progress", {
    value: 0,
    max: 1,
    "aria-label": "upload progress",
    hidden: true,
  });
  const update = h("button", { type: "submit" }, "Update");
  const form = h(
    "form",
    { class: "update", "aria-label": `update ${entry.name}` },
    h("label", { for: url.id }, "New zip URL"),
    url,
    h("label", { for: file.id }, "or a zip file"),
    file,
    progress,
    update,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void runUpdate(entry, { url, file, progress, result, button: update }, actions);
  });
  const remove = h("button", { type: "button", class: "danger" }, `Delete ${entry.name}`);
  remove.addEventListener("click", () => void runDelete(entry, result, actions));
  const row = h("div", { class: "buttons" }, remove);
  if (entry.kind === "portables") {
    const logs = h("button", { type: "button" }, `Logs of ${entry.name}`);
    logs.addEventListener("click", () => actions.onLogs(entry.name));
    row.prepend(logs);
  }
  return h("div", { class: "actions" }, row, form, result);
}

interface UpdateControls {
  url: HTMLInputElement;
  file: HTMLInputElement;
  progress: HTMLProgressElement;
  result: HTMLElement;
  button: HTMLButtonElement;
}

async function runUpdate(entry: PluginEntry, c: UpdateControls, actions: DetailActions) {
  const chosen = c.file.files?.[0];
  if (!chosen && !c.url.value) return say(c.result, "Give a URL or choose a file.", "error");
  c.button.disabled = true;
  try {
    let source = c.url.value;
    if (chosen) {
      c.progress.hidden = false;
      say(c.result, `Uploading ${chosen.name}…`);
      source = fileUrl(await uploadFile(chosen, c.progress));
    }
    say(c.result, `Updating ${entry.name}…`);
    const path = `/plugins/${entry.kind}/${encodeURIComponent(entry.name)}`;
    say(c.result, await sendJson("PUT", path, { name: entry.name, file: source }), "ok");
    actions.onChanged();
  } catch (error) {
    say(c.result, describe(error), "error");
  } finally {
    c.button.disabled = false;
  }
}

async function runDelete(entry: PluginEntry, result: HTMLElement, actions: DetailActions) {
  const what = await whatStops(entry);
  if (!(await confirmAction(what, `Delete ${entry.name}`))) return say(result, "Not deleted.");
  try {
    const path = `/plugins/${entry.kind}/${encodeURIComponent(entry.name)}`;
    say(result, await (await call(path, { method: "DELETE" })).text(), "ok");
    actions.onChanged();
  } catch (error) {
    say(result, describe(error), "error");
  }
}

/** The confirmation's text: what the delete ends. */
async function whatStops(entry: PluginEntry): Promise<string> {
  if (entry.kind !== "portables") {
    const fns =
      entry.kind === "functions" && entry.functions
        ? ` and its functions ${entry.functions.join(", ")}`
        : "";
    return `Delete ${entry.kind} plugin ${entry.name}? Its files${fns} go; eKuiper must restart for the change.`;
  }
  const sessions = await sessionsOf(entry.name).catch((): Session[] => []);
  const pid = entry.status?.pid ? ` (pid ${entry.status.pid})` : "";
  const users = Object.keys(entry.status?.refCount ?? {});
  const parts = [`Delete portable plugin ${entry.name}? Its process${pid} stops`];
  if (users.length > 0) parts.push(`, used by ${users.join(", ")}`);
  if (sessions.length > 0) {
    parts.push(
      `, ending ${sessions.length} REST session(s): ${sessions.map((s) => `${s.kind} ${s.symbol}`).join(", ")}`,
    );
  }
  if (entry.functions?.length) parts.push(`; its functions ${entry.functions.join(", ")} go`);
  return `${parts.join("")}.`;
}
