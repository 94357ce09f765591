// The data plane: watch a portable source live (pausable) and send a message to a portable sink.
import { call, describe, getJson, sendJson } from "./api.ts";
import { byId, h, say } from "./dom.ts";
import { readLines } from "./lines.ts";
import type { PortableInfo } from "./plugins-data.ts";

const keptMessages = 500;

/** Wires the watch and send forms; the returned function reloads the plugins' symbols. */
export function setUpData(): () => Promise<void> {
  const sourceSelect = byId("watch-source", HTMLSelectElement);
  const sinkSelect = byId("send-sink", HTMLSelectElement);
  setUpWatch(sourceSelect);
  setUpSend(sinkSelect);
  return async () => {
    const portables = await getJson<PortableInfo[]>("/plugins/portables").catch(() => []);
    const options = (pick: (p: PortableInfo) => string[]) =>
      portables.flatMap((p) =>
        pick(p).map((s) => h("option", { value: `${p.name}/${s}` }, `${p.name} / ${s}`)),
      );
    keep(
      sourceSelect,
      options((p) => p.sources),
    );
    keep(
      sinkSelect,
      options((p) => p.sinks),
    );
  };
}

function keep(select: HTMLSelectElement, options: HTMLOptionElement[]) {
  const chosen = select.value;
  select.replaceChildren(...options);
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}

function setUpWatch(select: HTMLSelectElement) {
  const output = byId("watch-output", HTMLPreElement);
  const status = byId("watch-status", HTMLElement);
  const start = byId("watch-start", HTMLButtonElement);
  const pause = byId("watch-pause", HTMLButtonElement);
  let abort: AbortController | undefined;
  let paused = false;
  const lines: string[] = [];
  const show = () => {
    output.textContent = lines.join("\n");
    output.scrollTop = output.scrollHeight;
  };
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    pause.setAttribute("aria-pressed", String(paused));
    if (!paused) show();
  });
  start.addEventListener("click", () => {
    if (abort) {
      abort.abort();
      abort = undefined;
      start.textContent = "Watch";
      return say(status, "Stopped.");
    }
    const [plugin, source] = select.value.split("/");
    if (!plugin || !source) return say(status, "Choose a source.", "error");
    abort = new AbortController();
    const signal = abort.signal;
    start.textContent = "Stop";
    lines.length = 0;
    show();
    say(status, `Watching ${source} of ${plugin}…`);
    const path = `/plugins/portables/${encodeURIComponent(plugin)}/sources/${encodeURIComponent(source)}/stream`;
    call(path, { signal, headers: { accept: "application/x-ndjson" } })
      .then((response) =>
        readLines(response, (line) => {
          lines.push(line);
          if (lines.length > keptMessages) lines.shift();
          if (!paused) show();
        }),
      )
      .catch((error: unknown) => {
        if (!signal.aborted) say(status, describe(error), "error");
      });
  });
}

function setUpSend(select: HTMLSelectElement) {
  const result = byId("send-result", HTMLElement);
  byId("send-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const [plugin, sink] = select.value.split("/");
    if (!plugin || !sink) return say(result, "Choose a sink.", "error");
    const text = byId("send-message", HTMLTextAreaElement).value;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return say(result, "The message must be JSON: an object or an array of objects.", "error");
    }
    const path = `/plugins/portables/${encodeURIComponent(plugin)}/sinks/${encodeURIComponent(sink)}/send`;
    sendJson("POST", path, message)
      .then((answer) => say(result, answer, "ok"))
      .catch((error: unknown) => say(result, describe(error), "error"));
  });
}
