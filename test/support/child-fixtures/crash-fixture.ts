// Test child: prints some lines, then dies by SIGKILL, as a plugin killed by the OOM killer.

console.log("crash line 1");
console.error("crash line 2");
console.log("crash line 3");
process.kill(process.pid, "SIGKILL");
