// The plugin list: one group per kind, a row per plugin, filtered by name, refreshed by polling.
import { describe } from "./api.ts";
import { byId, h, say } from "./dom.ts";
import { renderDetails } from "./plugin-details.ts";
import { type Kind, keyOf, kinds, type PluginEntry, PluginModel } from "./plugins-data.ts";

const kindTitles: Record<Kind, string> = {
  sources: "Sources",
  sinks: "Sinks",
  functions: "Functions",
  portables: "Portables",
};

/** The performance mark set once the first list is rendered. */
const renderedMark = "plugd:list-rendered";

interface Row {
  readonly item: HTMLLIElement;
  readonly details: HTMLDetailsElement;
  readonly summary: HTMLElement;
  readonly body: HTMLDivElement;
}

/** The list, its rows by `kind/name`, and the poll that keeps it current. */
export class PluginsView {
  readonly model = new PluginModel();
  readonly #rows = new Map<string, Row>();
  readonly #lists = new Map<Kind, HTMLUListElement>();
  readonly #counts = new Map<Kind, HTMLElement>();
  readonly #filter = byId("plugin-filter", HTMLInputElement);
  readonly #status = byId("plugins-status", HTMLElement);
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onLogs: (name: string) => void) {
    const groups = byId("plugin-groups", HTMLDivElement);
    for (const kind of kinds) {
      const count = h("span", { class: "count" }, "0");
      const list = h("ul", { class: "plugins", "aria-label": kindTitles[kind] });
      groups.append(
        h("section", { class: "group" }, h("h3", {}, kindTitles[kind], " ", count), list),
      );
      this.#lists.set(kind, list);
      this.#counts.set(kind, count);
    }
    this.#filter.addEventListener("input", () => this.applyFilter());
  }

  /** Refreshes now and every `everyMs` while the list is seen; a failed refresh says why, goes on. */
  poll(everyMs: number): void {
    clearTimeout(this.#timer);
    // Nobody sees the list in a background tab or another view (showing it refreshes it).
    const seen = !document.hidden && !byId("view-plugins", HTMLElement).hidden;
    (seen ? this.refresh() : Promise.resolve()).finally(() => {
      this.#timer = setTimeout(() => this.poll(everyMs), everyMs);
    });
  }

  /** Reads the plugins and updates the rows in place (open rows keep their state). */
  async refresh(): Promise<void> {
    try {
      await this.model.refresh();
      this.#render();
      // For bench/ui.ts (and a person's devtools): when the list was first on screen.
      if (performance.getEntriesByName(renderedMark).length === 0) performance.mark(renderedMark);
      say(this.#status, `Updated ${new Date().toLocaleTimeString()}`);
      void this.model.describeMissing((entry) => this.#update(entry)).catch(() => {});
    } catch (error) {
      say(this.#status, `Could not read the plugins: ${describe(error)}`, "error");
    }
  }

  /** Hides the rows whose name does not contain the filter text (case-insensitive). */
  applyFilter(): void {
    const text = this.#filter.value.trim().toLowerCase();
    for (const [key, row] of this.#rows) {
      row.item.hidden =
        text !== "" &&
        !key
          .slice(key.indexOf("/") + 1)
          .toLowerCase()
          .includes(text);
    }
  }

  #render(): void {
    for (const [key, row] of this.#rows) {
      if (!this.model.entries.has(key)) {
        row.item.remove();
        this.#rows.delete(key);
      }
    }
    const fresh = new Map<Kind, DocumentFragment>();
    for (const [key, entry] of this.model.entries) {
      if (!this.#rows.has(key)) {
        const fragment = fresh.get(entry.kind) ?? new DocumentFragment();
        fragment.append(this.#newRow(key, entry).item);
        fresh.set(entry.kind, fragment);
      }
      this.#update(entry);
    }
    for (const [kind, fragment] of fresh) this.#lists.get(kind)?.append(fragment);
    for (const kind of kinds) this.#sort(kind);
    this.applyFilter();
  }

  #newRow(key: string, entry: PluginEntry): Row {
    const summary = h("summary");
    const body = h("div", { class: "details" });
    const details = h("details", {}, summary, body);
    const item = h("li", { class: "plugin", "data-name": entry.name }, details);
    const row = { item, details, summary, body };
    details.addEventListener("toggle", () => {
      const current = this.model.entries.get(key);
      if (details.open && current) this.#fillDetails(row, current);
    });
    this.#rows.set(key, row);
    return row;
  }

  #update(entry: PluginEntry): void {
    const row = this.#rows.get(keyOf(entry.kind, entry.name));
    if (!row) return;
    const status = entry.status?.status;
    // Most polls change nothing: a row is redrawn only when what its summary shows changed.
    const shown = `${entry.version ?? ""}|${status ?? ""}|${entry.functions?.join(",") ?? ""}`;
    if (row.item.dataset.shown !== shown) {
      row.item.dataset.shown = shown;
      this.#drawSummary(row, entry);
    }
    if (row.details.open) this.#fillDetails(row, entry);
  }

  #drawSummary(row: Row, entry: PluginEntry): void {
    const status = entry.status?.status;
    const parts: Node[] = [
      h("span", { class: "name" }, entry.name),
      h("span", { class: "version" }, entry.version ? `v${entry.version}` : "…"),
    ];
    if (status) parts.push(h("span", { class: `badge ${status}` }, status));
    if (entry.functions?.length) {
      parts.push(h("span", { class: "exports" }, `exports ${entry.functions.join(", ")}`));
    }
    row.summary.replaceChildren(...parts);
  }

  #fillDetails(row: Row, entry: PluginEntry): void {
    renderDetails(row.body, entry, {
      onLogs: this.onLogs,
      onChanged: () => {
        this.model.forget(entry.kind, entry.name);
        void this.refresh();
      },
    });
  }

  #sort(kind: Kind): void {
    const list = this.#lists.get(kind);
    if (!list) return;
    const items = [...list.children] as HTMLElement[];
    const sorted = [...items].sort((a, b) => byName(a.dataset.name ?? "", b.dataset.name ?? ""));
    if (sorted.some((item, i) => item !== items[i])) list.append(...sorted);
    this.#counts.get(kind)?.replaceChildren(String(items.length));
  }
}

/** plugd sorts its lists by code point; so does the page (localeCompare would differ). */
function byName(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
