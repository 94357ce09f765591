// The reference: a bare Bun.serve answering GET with fixed JSON (argv[2]); prints its URL.
const body = process.argv[2] ?? "[]";
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => new Response(body, { headers: { "content-type": "application/json" } }),
});
console.log(`http://127.0.0.1:${server.port}/`);
