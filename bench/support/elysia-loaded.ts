// Loads Elysia and exits without serving: the floor of "code loaded, nothing run yet", for
// comparing with `plugd version`, which loads plugd's start code and exits the same way.
import { Elysia } from "elysia";

if (typeof Elysia !== "function") process.exit(1);
