// The footprint reference: a bare Bun.serve that answers GET /ping with 200, on the port in argv[2].
const port = Number(process.argv[2] ?? 0);
Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch: (req) =>
    new URL(req.url).pathname === "/ping"
      ? new Response(null, { status: 200 })
      : new Response(null, { status: 404 }),
});
