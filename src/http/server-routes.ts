// Server routes: /ping and / (version, os, arch, uptime).
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
      () => ({
        version: info.version,
        os: process.platform,
        arch: serverArchitecture(),
        upTimeSeconds: Math.floor((Date.now() - info.startedAt) / 1000),
      }),
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
