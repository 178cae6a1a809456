// Parses the `RESULT {...}` line a consumer program prints, and checks that the package it ran
// was the installed copy in the consumer's own node_modules (never a path into the repo), through
// the expected file of each entry: `entry` for "square-oauth-edge", `tokensEntry` for
// "square-oauth-edge/tokens".
import { sep } from "node:path";
import { fileURLToPath } from "node:url";

export function parseResult(output, consumerDir, expectedEntry, expectedTokensEntry) {
  const line = output.split("\n").findLast((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`the consumer printed no RESULT line:\n${output}`);
  const parsed = JSON.parse(line.slice("RESULT ".length));
  const check = (resolved, expected, specifier) => {
    if (typeof resolved !== "string") throw new Error(`the consumer did not say where ${specifier} resolved (${JSON.stringify(resolved)})`);
    const file = resolved.startsWith("file:") ? fileURLToPath(resolved) : resolved;
    const want = `${consumerDir}${sep}node_modules${sep}square-oauth-edge${sep}${expected.split("/").join(sep)}`;
    if (file !== want) throw new Error(`${specifier} resolved to ${file}, expected ${want}`);
  };
  check(parsed.entry, expectedEntry, `"square-oauth-edge"`);
  check(parsed.tokensEntry, expectedTokensEntry, `"square-oauth-edge/tokens"`);
  return parsed;
}
