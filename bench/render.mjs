// Re-renders BENCHMARKS.md from a saved results.json (bench/run.sh keeps the last one in
// target/bench-results.json), for working on the report without measuring again.
//   node bench/render.mjs [target/bench-results.json] [BENCHMARKS.md]
import { readFileSync } from "node:fs";
import { writeReport } from "./report.mjs";

const [input = "target/bench-results.json", out = "BENCHMARKS.md"] = process.argv.slice(2);
writeReport(out, JSON.parse(readFileSync(input, "utf8")));
