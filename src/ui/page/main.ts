// The console's entry: views as tabs, the token form, and the poll of the plugin list.
import { type ApiError, onAuthError, setToken, token } from "./api.ts";
import { setUpData } from "./data-view.ts";
import { byId, say } from "./dom.ts";
import { setUpFleet } from "./fleet-view.ts";
import { setUpFunctions } from "./functions-view.ts";
import { setUpInstall } from "./install-view.ts";
import { LogsView } from "./logs-view.ts";
import { PluginsView } from "./plugins-view.ts";
import { showServer } from "./server-view.ts";

const pollMs = 3000;
const logs = new LogsView();
const plugins = new PluginsView((name) => {
  showView("plugins");
  logs.open(name);
});
const installs = setUpInstall(() => void plugins.refresh());
const loadFunctions = setUpFunctions(() => plugins.model.functionOwners());
const loadData = setUpData();
setUpFleet();

const onShow: Record<string, () => unknown> = {
  plugins: () => plugins.refresh(),
  install: () => installs.loadCatalogue(),
  // The registry names each function's plugin from the plugin list, so that is read first.
  functions: () => plugins.refresh().then(loadFunctions),
  data: () => loadData(),
  server: () => showServer(),
};

/** Shows one view and marks its tab current. */
function showView(name: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>("nav button[data-view]")) {
    const current = tab.dataset.view === name;
    if (current) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
    byId(`view-${tab.dataset.view}`, HTMLElement).hidden = !current;
  }
  void onShow[name]?.();
}

for (const tab of document.querySelectorAll<HTMLButtonElement>("nav button[data-view]")) {
  tab.addEventListener("click", () => showView(tab.dataset.view ?? "plugins"));
}

const banner = byId("auth-banner", HTMLElement);
const tokenForm = byId("token-form", HTMLFormElement);
const tokenInput = byId("token-input", HTMLInputElement);

onAuthError((error: ApiError) => {
  banner.hidden = false;
  if (error.status === 401) {
    const again = token() ? "The token was refused" : "plugd needs a token";
    say(banner, `${again} (401): ${error.message}. Enter a token below.`, "error");
    tokenForm.hidden = false;
  } else {
    say(banner, `plugd refused this client (403): ${error.message}`, "error");
  }
});

tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  setToken(tokenInput.value);
  tokenInput.value = "";
  banner.hidden = true;
  tokenForm.hidden = true;
  void plugins.refresh();
  void showServer();
});
byId("token-forget", HTMLButtonElement).addEventListener("click", () => {
  setToken("");
  say(banner, "The token is forgotten.");
});
byId("token-show", HTMLButtonElement).addEventListener("click", () => {
  tokenForm.hidden = !tokenForm.hidden;
  if (!tokenForm.hidden) tokenInput.focus();
});

void showServer();
plugins.poll(pollMs);
