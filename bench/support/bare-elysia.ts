// The framework's floor: a bare Elysia app answering GET /ping with 200, on the port in argv[2].
import { Elysia } from "elysia";

const port = Number(process.argv[2] ?? 0);
new Elysia().get("/ping", () => "").listen({ hostname: "127.0.0.1", port });
