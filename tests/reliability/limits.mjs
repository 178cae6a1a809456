// Limits of the client read from its source, so that the tests follow them if they change.
import { readFileSync } from "node:fs";

const src = readFileSync(new URL("../../src/response.rs", import.meta.url), "utf8");
const m = /pub const MAX_BODY_BYTES: usize = ([0-9_ *]+);/.exec(src);
if (!m) throw new Error("MAX_BODY_BYTES not found in src/response.rs");
/** The most bytes of a body the client reads (src/response.rs). */
export const MAX_BODY = m[1].split("*").reduce((acc, n) => acc * Number(n.replace(/[_\s]/g, "")), 1);
