// A portable plugin's output, live (/logs?follow=1), with pause and a text filter.
import { call, describe } from "./api.ts";
import { byId, say } from "./dom.ts";
import { readLines } from "./lines.ts";

const keptLines = 2000;

/** The logs panel: one plugin followed at a time. */
export class LogsView {
  readonly #panel = byId("logs-panel", HTMLElement);
  readonly #title = byId("logs-title", HTMLElement);
  readonly #output = byId("logs-output", HTMLPreElement);
  readonly #filter = byId("logs-filter", HTMLInputElement);
  readonly #pause = byId("logs-pause", HTMLButtonElement);
  readonly #status = byId("logs-status", HTMLElement);
  #lines: string[] = [];
  #paused = false;
  #abort: AbortController | undefined;

  constructor() {
    this.#filter.addEventListener("input", () => this.#show());
    this.#pause.addEventListener("click", () => this.#setPaused(!this.#paused));
    byId("logs-close", HTMLButtonElement).addEventListener("click", () => this.close());
  }

  /** Follows `name`'s output from its last 200 lines on. */
  open(name: string): void {
    this.close();
    this.#panel.hidden = false;
    this.#title.textContent = `Logs of ${name}`;
    this.#lines = [];
    this.#setPaused(false);
    this.#show();
    const abort = new AbortController();
    this.#abort = abort;
    say(this.#status, "Following…");
    const path = `/plugins/portables/${encodeURIComponent(name)}/logs?follow=1&lines=200`;
    call(path, { signal: abort.signal })
      .then((response) => readLines(response, (line) => this.#add(line)))
      .then(() => {
        if (!abort.signal.aborted) say(this.#status, "The log stream ended.");
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) say(this.#status, describe(error), "error");
      });
    this.#panel.scrollIntoView({ block: "nearest" });
    this.#pause.focus();
  }

  close(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    this.#panel.hidden = true;
  }

  #add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > keptLines) this.#lines.splice(0, this.#lines.length - keptLines);
    if (!this.#paused) this.#show();
  }

  #setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#pause.textContent = paused ? "Resume" : "Pause";
    this.#pause.setAttribute("aria-pressed", String(paused));
    if (!paused) this.#show();
    else say(this.#status, "Paused: new lines are kept and shown on resume.");
  }

  #show(): void {
    const text = this.#filter.value.toLowerCase();
    const shown = text ? this.#lines.filter((l) => l.toLowerCase().includes(text)) : this.#lines;
    this.#output.textContent = shown.join("\n");
    this.#output.scrollTop = this.#output.scrollHeight;
  }
}
