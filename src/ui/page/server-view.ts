// Server facts from GET / (version, os, arch, uptime) and what the page itself knows.
import { describe, getJson, token } from "./api.ts";
import { byId, h, say } from "./dom.ts";

interface ServerInfo {
  version: string;
  os: string;
  arch: string;
  upTimeSeconds: number;
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const hms = new Date((seconds % 86400) * 1000).toISOString().slice(11, 19);
  return d > 0 ? `${d} d ${hms}` : hms;
}

/** Reads GET / and shows the facts; also the one-line summary in the header. */
export async function showServer(): Promise<void> {
  const list = byId("server-facts", HTMLDListElement);
  const line = byId("facts-line", HTMLElement);
  try {
    const info = await getJson<ServerInfo>("/");
    const access = token()
      ? "tokens (this tab sends the token you gave)"
      : "no token sent: protected mode serves loopback and trusted networks, or tokens are off";
    const facts: [string, string][] = [
      ["Version", info.version],
      ["System", `${info.os} ${info.arch}`],
      ["Up for", duration(info.upTimeSeconds)],
      ["Address", location.host],
      ["Access", access],
    ];
    list.replaceChildren(...facts.flatMap(([t, v]) => [h("dt", {}, t), h("dd", {}, v)]));
    line.textContent = `plugd ${info.version} · ${info.os}/${info.arch} · up ${duration(info.upTimeSeconds)}`;
  } catch (error) {
    say(line, describe(error), "error");
  }
}
