// The function registry (GET /plugins/udfs) and a "try it" box (POST /plugins/udfs/{fn}/call).
import { describe, getJson, sendJson } from "./api.ts";
import { byId, h, say } from "./dom.ts";

/** Wires the try-it form; the returned function reloads the registry. */
export function setUpFunctions(owners: () => Map<string, string>): () => Promise<void> {
  const select = byId("fn-name", HTMLSelectElement);
  const list = byId("fn-list", HTMLUListElement);
  const status = byId("fn-status", HTMLElement);
  const result = byId("fn-result", HTMLPreElement);
  const owner = byId("fn-owner", HTMLElement);
  select.addEventListener("change", () => void showOwner(select.value, owner));
  byId("fn-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    void callFunction(select.value, byId("fn-args", HTMLTextAreaElement).value, result);
  });
  return async () => {
    try {
      const names = await getJson<string[]>("/plugins/udfs");
      const chosen = select.value;
      select.replaceChildren(
        ...names.map((n) => h("option", { value: n, selected: n === chosen }, n)),
      );
      const known = owners();
      list.replaceChildren(
        ...names.map((n) =>
          h("li", {}, h("code", {}, n), " ", h("span", { class: "muted" }, known.get(n) ?? "")),
        ),
      );
      say(status, `${names.length} function(s) registered.`);
      if (select.value) await showOwner(select.value, owner);
    } catch (error) {
      say(status, describe(error), "error");
    }
  };
}

async function showOwner(fn: string, target: HTMLElement): Promise<void> {
  try {
    const found = await getJson<{ plugin: string }>(`/plugins/udfs/${encodeURIComponent(fn)}`);
    say(target, `${fn} is exported by plugin ${found.plugin}.`);
  } catch (error) {
    say(target, describe(error), "error");
  }
}

async function callFunction(fn: string, argsText: string, result: HTMLPreElement): Promise<void> {
  if (!fn) return say(result, "Choose a function.", "error");
  let args: unknown;
  try {
    args = JSON.parse(argsText || "[]");
  } catch {
    return say(result, 'The arguments must be a JSON array, e.g. [1, "two"].', "error");
  }
  if (!Array.isArray(args)) return say(result, "The arguments must be a JSON array.", "error");
  say(result, `Calling ${fn}…`);
  try {
    const answer = JSON.parse(
      await sendJson("POST", `/plugins/udfs/${encodeURIComponent(fn)}/call`, { args }),
    ) as {
      result: unknown;
    };
    say(result, JSON.stringify(answer.result, null, 2), "ok");
  } catch (error) {
    say(result, describe(error), "error");
  }
}
