// Test child: complains on stderr and exits with code 3 at once, like a plugin with bad config.

console.error("cannot open config");
process.exit(3);
