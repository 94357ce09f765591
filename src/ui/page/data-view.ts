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
  const watch = new SourceWatch();
  const start = byId("watch-start", HTMLButtonElement);
  const pause = byId("watch-pause", HTMLButtonElement);
  pause.addEventListener("click", () => {
    watch.setPaused(!watch.paused);
    pause.textContent = watch.paused ? "Resume" : "Pause";
    pause.setAttribute("aria-pressed", String(watch.paused));
  });
  start.addEventListener("click", () => {
    const watching = watch.toggle(select.value);
    start.textContent = watching ? "Stop" : "Watch";
  });
}

/** One source followed at a time, its last messages shown unless paused. */
class SourceWatch {
  readonly #output = byId("watch-output", HTMLPreElement);
  readonly #status = byId("watch-status", HTMLElement);
  readonly #lines: string[] = [];
  #abort: AbortController | undefined;
  paused = false;

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.#show();
  }

  /** Stops the watch in progress, or starts one of `choice` (`plugin/source`); true if started. */
  toggle(choice: string): boolean {
    if (this.#abort) {
      this.#abort.abort();
      this.#abort = undefined;
      say(this.#status, "Stopped.");
      return false;
    }
    const [plugin, source] = choice.split("/");
    if (!plugin || !source) {
      say(this.#status, "Choose a source.", "error");
      return false;
    }
    this.#abort = new AbortController();
    this.#follow(plugin, source, this.#abort.signal);
    return true;
  }

  #follow(plugin: string, source: string, signal: AbortSignal): void {
    this.#lines.length = 0;
    this.#show();
    say(this.#status, `Watching ${source} of ${plugin}…`);
    const path = `/plugins/portables/${encodeURIComponent(plugin)}/sources/${encodeURIComponent(source)}/stream`;
    call(path, { signal, headers: { accept: "application/x-ndjson" } })
      .then((response) =>
        readLines(response, (line) => {
          this.#lines.push(line);
          if (this.#lines.length > keptMessages) this.#lines.shift();
          if (!this.paused) this.#show();
        }),
      )
      .catch((error: unknown) => {
        if (!signal.aborted) say(this.#status, describe(error), "error");
      });
  }

  #show(): void {
    this.#output.textContent = this.#lines.join("\n");
    this.#output.scrollTop = this.#output.scrollHeight;
  }
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
