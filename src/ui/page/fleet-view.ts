// Fleet: download the export (/data/export), import a file with its dry-run plan shown first.
import { call, describe, sendJson } from "./api.ts";
import { byId, download, h, say } from "./dom.ts";

interface ImportAnswer {
  ErrorMsg: string;
  plan: { key: string; type: string; name: string; action: string }[];
}

/** Wires the export button and the two-step import. */
export function setUpFleet(): void {
  const status = byId("fleet-status", HTMLElement);
  const apply = byId("import-apply", HTMLButtonElement);
  const plan = byId("import-plan", HTMLTableSectionElement);
  let content: string | undefined;
  byId("export-button", HTMLButtonElement).addEventListener("click", () => {
    call("/data/export")
      .then((response) => response.blob())
      .then((blob) => {
        download(blob, "ekuiper_export.json");
        say(status, "Export downloaded.", "ok");
      })
      .catch((error: unknown) => say(status, describe(error), "error"));
  });
  byId("import-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const file = byId("import-file", HTMLInputElement).files?.[0];
    if (!file) return say(status, "Choose an export file.", "error");
    apply.disabled = true;
    void file
      .text()
      .then(async (text) => {
        content = text;
        const answer = await runImport(text, true);
        showPlan(plan, answer);
        say(status, `Dry run: ${answer.plan.length} step(s). ${answer.ErrorMsg}`.trim());
        apply.disabled = false;
      })
      .catch((error: unknown) => say(status, describe(error), "error"));
  });
  apply.addEventListener("click", () => {
    if (content === undefined) return;
    apply.disabled = true;
    runImport(content, false)
      .then((answer) => {
        showPlan(plan, answer);
        say(status, answer.ErrorMsg || "Imported.", answer.ErrorMsg ? "error" : "ok");
      })
      .catch((error: unknown) => say(status, describe(error), "error"));
  });
}

async function runImport(content: string, dryRun: boolean): Promise<ImportAnswer> {
  const path = dryRun ? "/data/import?dryRun=1" : "/data/import";
  return JSON.parse(await sendJson("POST", path, { content })) as ImportAnswer;
}

function showPlan(target: HTMLTableSectionElement, answer: ImportAnswer): void {
  target.replaceChildren(
    ...answer.plan.map((step) =>
      h("tr", {}, h("td", {}, step.action), h("td", {}, step.type), h("td", {}, step.name)),
    ),
  );
}
