// Server routes: /ping and / (version, os, arch, uptime; a browser is sent to the console).
import { Elysia, t } from "elysia";
import { serverArchitecture } from "../install/elf.ts";
import { answers } from "./schemas.ts";

export interface ServerInfo {
  version: string;
  startedAt: number;
}

/** The two routes that are always open, even with authentication on. */
export function serverRoutes(info: ServerInfo) {
  const detail = { tags: ["server"] };
  return new Elysia({ name: "server" })
    .get(
      "/ping",
      ({ set }) => {
        set.status = 200;
        return "";
      },
      { detail, response: answers({ 200: t.String() }) },
    )
    .get(
      "/",
      ({ request }) =>
        // A browser's address bar asks for HTML: it gets the console; every client else the JSON.
        wantsHtml(request)
          ? new Response(null, { status: 302, headers: { location: "/ui/" } })
          : {
              version: info.version,
              os: process.platform,
              arch: serverArchitecture(),
              upTimeSeconds: Math.floor((Date.now() - info.startedAt) / 1000),
            },
      {
        detail,
        response: answers({
          200: t.Object({
            version: t.String(),
            os: t.String(),
            arch: t.String(),
            upTimeSeconds: t.Integer({ minimum: 0 }),
          }),
        }),
      },
    );
}

/** True for a browser's page load: HTML accepted explicitly (curl and REST clients send "any type"). */
function wantsHtml(request: Request): boolean {
  return (request.headers.get("accept") ?? "")
    .split(",")
    .some((type) => type.trim().startsWith("text/html"));
}
