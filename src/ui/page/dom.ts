// Small DOM helpers for the console: build elements, find them, say things to the person.

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | number | undefined>;

/** An element with attributes (booleans set or leave out the attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** The element with this id, of this type; throws when the page lacks it (a bug of the page). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return element;
}

/** Shows `text` in a status element, as an error or not; screen readers hear it (role=status). */
export function say(target: HTMLElement, text: string, kind: "info" | "error" | "ok" = "info") {
  target.textContent = text;
  target.dataset.kind = kind;
}

/** A local date and time for an ISO time, or a dash. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "–";
}

/** Saves `blob` as a download named `file`. */
export function download(blob: Blob, file: string): void {
  const link = h("a", { href: URL.createObjectURL(blob), download: file });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
