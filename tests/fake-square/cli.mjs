#!/usr/bin/env node
// Runs the fake Square server until SIGTERM/SIGINT.
//   node tests/fake-square/cli.mjs [--port 18080] [--host 127.0.0.1] [--merchant-id ID] [--max-recorded N]
// Prints exactly one line to stdout once listening: FAKE_SQUARE_URL=http://HOST:PORT
// FAKE_SQUARE_APPS (a JSON array of apps) replaces the default app list.
import { parseArgs } from "node:util";
import { startFakeSquare } from "./server.mjs";

function fail(message) {
  process.stderr.write(`fake-square: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      "merchant-id": { type: "string" },
      "max-recorded": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  }));
} catch (e) {
  fail(e.message);
}
if (values.help) {
  process.stdout.write(
    "usage: node tests/fake-square/cli.mjs [--port N] [--host H] [--merchant-id ID] [--max-recorded N]\n" +
      "env: FAKE_SQUARE_APPS='[{\"client_id\":\"…\",\"client_secret\":\"…\",\"name\":\"…\",\"redirect_uris\":[]}]'\n",
  );
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);

const options = { host: values.host, port };
if (values["merchant-id"] !== undefined) options.merchant_id = values["merchant-id"];
if (values["max-recorded"] !== undefined) {
  const n = Number(values["max-recorded"]);
  if (!Number.isInteger(n) || n < 0) fail("invalid --max-recorded");
  options.maxRecorded = n;
}
if (process.env.FAKE_SQUARE_APPS) {
  try {
    const apps = JSON.parse(process.env.FAKE_SQUARE_APPS);
    if (!Array.isArray(apps)) throw new Error();
    options.apps = apps;
  } catch {
    // No parser message here: it would quote part of the value, which holds client secrets.
    fail("FAKE_SQUARE_APPS must be a JSON array of apps");
  }
}

let fake;
try {
  fake = await startFakeSquare(options);
} catch (e) {
  fail(`could not start: ${e.code ?? e.message}`);
}
process.stdout.write(`FAKE_SQUARE_URL=${fake.url}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await fake.close();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
