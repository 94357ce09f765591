// Child process: a libnng PUSH dials a plugin's sink address and times `count` sends.
// argv: <url> <count> <body>. Prints the milliseconds the sends took.
import { LibnngSocket } from "../../test/support/libnng.ts";

const [url = "", countText = "0", body = "{}"] = process.argv.slice(2);
const push = new LibnngSocket("push");
push.dial(url);
const bytes = new TextEncoder().encode(body);
const started = performance.now();
for (let i = 0; i < Number(countText); i++) push.send(bytes);
console.log(performance.now() - started);
push.close();
