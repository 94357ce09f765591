// Server facts: version and uptime from GET / (open), the rest from GET /plugd/server.
import { describe, getJson, token } from "./api.ts";
import { byId, h, say } from "./dom.ts";

interface ServerInfo {
  version: string;
  os: string;
  arch: string;
  upTimeSeconds: number;
}

/** The answer of GET /plugd/server, as far as the page shows it. */
interface ServerFacts {
  listen: { tls: boolean; addresses: string[] };
  home: string;
  store: string;
  disk: { freeBytes: number; totalBytes: number };
  access: { mode: "authentication" | "protected" | "open"; trustedNetworks: string[] };
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const hms = new Date((seconds % 86400) * 1000).toISOString().slice(11, 19);
  return d > 0 ? `${d} d ${hms}` : hms;
}

/** 1.5 GiB, 300.0 MiB: a size a person reads at a glance. */
function sized(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

function accessText(access: ServerFacts["access"]): string {
  if (access.mode === "authentication") {
    const sent = token() ? "this tab sends the token you gave" : "this tab sends no token";
    return `tokens required (${sent})`;
  }
  if (access.mode === "open") return "open: every client is served without a token";
  const networks = access.trustedNetworks.length ? access.trustedNetworks.join(", ") : "none";
  return `protected mode: loopback and trusted networks (${networks})`;
}

function factsOf(info: ServerInfo, facts: ServerFacts | undefined): [string, string][] {
  const base: [string, string][] = [
    ["Version", info.version],
    ["System", `${info.os} ${info.arch}`],
    ["Up for", duration(info.upTimeSeconds)],
    ["Page loaded from", location.host],
  ];
  if (!facts) return base;
  const scheme = facts.listen.tls ? "https" : "http";
  const { freeBytes, totalBytes } = facts.disk;
  return [
    ...base,
    ["Listening on", facts.listen.addresses.map((a) => `${scheme}://${a}`).join(", ")],
    ["Access", accessText(facts.access)],
    ["Home", facts.home],
    ["Store", facts.store],
    ["Disk free in the home", `${sized(freeBytes)} of ${sized(totalBytes)} (${freeBytes} bytes)`],
  ];
}

/** Reads GET / and GET /plugd/server and shows the facts; also the summary in the header. */
export async function showServer(): Promise<void> {
  const list = byId("server-facts", HTMLDListElement);
  const line = byId("facts-line", HTMLElement);
  const status = byId("server-status", HTMLElement);
  try {
    const info = await getJson<ServerInfo>("/");
    line.textContent = `plugd ${info.version} · ${info.os}/${info.arch} · up ${duration(info.upTimeSeconds)}`;
    let facts: ServerFacts | undefined;
    try {
      facts = await getJson<ServerFacts>("/plugd/server");
      say(status, "");
    } catch (error) {
      say(status, `The rest of the facts are not shown: ${describe(error)}`, "error");
    }
    const rows = factsOf(info, facts);
    list.replaceChildren(...rows.flatMap(([t, v]) => [h("dt", {}, t), h("dd", {}, v)]));
  } catch (error) {
    say(line, describe(error), "error");
  }
}
