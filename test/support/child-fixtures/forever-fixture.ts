// Test child: prints a few lines to stdout and stderr, says "ready", then runs until killed.

console.log("stdout line 1");
console.error("stderr line");
console.log("stdout line 2");
console.log("ready");
setInterval(() => {}, 1 << 30);
