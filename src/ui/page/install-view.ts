// Installing: from a URL (sha256, shellParas, functions), from a file (uploaded), from the catalogue.
import { describe, getJson, sendJson } from "./api.ts";
import { byId, h, say } from "./dom.ts";
import { fileUrl, uploadFile } from "./upload.ts";

interface InstallBody {
  name: string;
  file: string;
  sha256?: string;
  shellParas?: string[];
  functions?: string[];
}

const words = (text: string) => text.split(/[\s,]+/).filter((w) => w !== "");

/** Wires the install form and the catalogue; `onInstalled` refreshes the list. */
export function setUpInstall(onInstalled: () => void): { loadCatalogue(): Promise<void> } {
  const form = byId("install-form", HTMLFormElement);
  const result = byId("install-result", HTMLElement);
  const button = byId("install-button", HTMLButtonElement);
  const progress = byId("install-progress", HTMLProgressElement);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    install(form, progress, result)
      .then(() => onInstalled())
      .catch((error: unknown) => say(result, describe(error), "error"))
      .finally(() => {
        button.disabled = false;
      });
  });
  return { loadCatalogue: () => loadCatalogue(onInstalled) };
}

async function install(form: HTMLFormElement, progress: HTMLProgressElement, result: HTMLElement) {
  const field = (name: string) => String(new FormData(form).get(name) ?? "").trim();
  const kind = field("kind");
  const name = field("name");
  const chosen = byId("install-file", HTMLInputElement).files?.[0];
  let file = field("url");
  if (chosen) {
    progress.hidden = false;
    say(result, `Uploading ${chosen.name}…`);
    file = fileUrl(await uploadFile(chosen, progress));
  }
  if (!file) throw new Error("Give the zip's URL or choose a zip file.");
  const body: InstallBody = { name, file };
  if (field("sha256")) body.sha256 = field("sha256");
  if (field("shellParas")) body.shellParas = words(field("shellParas"));
  if (kind === "functions" && field("functions")) body.functions = words(field("functions"));
  say(result, `Installing ${kind} plugin ${name}…`, "info");
  result.setAttribute("aria-busy", "true");
  try {
    say(result, await sendJson("POST", `/plugins/${kind}`, body), "ok");
  } finally {
    result.removeAttribute("aria-busy");
  }
}

/** The prebuild lists of the three native kinds, each entry with a one-click install. */
async function loadCatalogue(onInstalled: () => void): Promise<void> {
  const list = byId("catalogue", HTMLUListElement);
  const status = byId("catalogue-status", HTMLElement);
  say(status, "Reading the catalogue…");
  const items: HTMLLIElement[] = [];
  const problems: string[] = [];
  for (const kind of ["sources", "sinks", "functions"]) {
    try {
      const entries = await getJson<Record<string, string>>(`/plugins/${kind}/prebuild`);
      for (const [name, url] of Object.entries(entries))
        items.push(catalogueItem(kind, name, url, onInstalled));
    } catch (error) {
      problems.push(`${kind}: ${describe(error)}`);
    }
  }
  list.replaceChildren(...items);
  const found = `${items.length} prebuilt plugin(s).`;
  say(
    status,
    problems.length ? `${found} ${problems.join(" ")}` : found,
    problems.length ? "error" : "info",
  );
}

function catalogueItem(kind: string, name: string, url: string, onInstalled: () => void) {
  const result = h("span", { class: "result", role: "status" });
  const button = h("button", { type: "button" }, `Install ${kind} ${name}`);
  button.addEventListener("click", () => {
    button.disabled = true;
    say(result, "Installing…");
    sendJson("POST", `/plugins/${kind}`, { name, file: url })
      .then((text) => {
        say(result, text, "ok");
        onInstalled();
      })
      .catch((error: unknown) => say(result, describe(error), "error"))
      .finally(() => {
        button.disabled = false;
      });
  });
  return h("li", {}, button, " ", result, h("br"), h("code", { class: "url" }, url));
}
