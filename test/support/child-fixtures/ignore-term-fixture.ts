// Test child: ignores SIGTERM (so only SIGKILL ends it); says "ready" once the handler is set.

process.on("SIGTERM", () => {
  console.log("ignoring SIGTERM");
});
console.log("ready");
setInterval(() => {}, 1 << 30);
