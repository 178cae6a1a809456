// Parses the `RESULT {...}` line a consumer program prints, and checks that the package it ran
// was the installed copy in the consumer's own node_modules (never a path into the repo).
import { sep } from "node:path";
import { fileURLToPath } from "node:url";

export function parseResult(output, consumerDir, expectedEntry) {
  const line = output.split("\n").findLast((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`the consumer printed no RESULT line:\n${output}`);
  const parsed = JSON.parse(line.slice("RESULT ".length));
  const entry = parsed.entry.startsWith("file:") ? fileURLToPath(parsed.entry) : parsed.entry;
  const want = `${consumerDir}${sep}node_modules${sep}square-oauth-edge${sep}${expectedEntry}`;
  if (entry !== want) throw new Error(`the package resolved to ${entry}, expected ${want}`);
  return parsed;
}
