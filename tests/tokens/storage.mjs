// Reads and writes the SquareTokenStore objects' storage on disk, for the tampering checks of
// drive.mjs. Run by Bun (bun:sqlite; Node 20 has no SQLite) while workerd is stopped:
//   bun tests/tokens/storage.mjs <storage dir> '{"get":["MERCHANT",…]}'          → {"MERCHANT":"<hex>"|null,…}
//   bun tests/tokens/storage.mjs <storage dir> '{"set":{"MERCHANT":"<hex>",…}}'  → {"MERCHANT":true|false,…}
// workerd's localDisk keeps each object in <dir>/<uniqueKey>/<object id>.sqlite, its key-value
// storage in the table _cf_KV (key TEXT, value BLOB: the value as V8 serializes it). An object's
// id is derived from its name, so a merchant's object is found by the key its record is under.
import { Database } from "bun:sqlite";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const [dir, commandText] = process.argv.slice(2);
const command = JSON.parse(commandText);
const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".sqlite") && !f.endsWith("metadata.sqlite"))
  .map((f) => join(dir, f));

function withRecord(merchant, fn) {
  for (const file of files) {
    const db = new Database(file);
    try {
      const row = db.query("SELECT value FROM _cf_KV WHERE key = ?").get(merchant);
      if (row) return fn(db, row.value);
    } catch {
      // not an object's database (no _cf_KV)
    } finally {
      db.close();
    }
  }
  return fn(null, null);
}

const out = {};
for (const merchant of command.get ?? []) {
  out[merchant] = withRecord(merchant, (_, value) => (value ? Buffer.from(value).toString("hex") : null));
}
for (const [merchant, hex] of Object.entries(command.set ?? {})) {
  out[merchant] = withRecord(merchant, (db) => {
    if (!db) return false;
    db.query("UPDATE _cf_KV SET value = ? WHERE key = ?").run(Buffer.from(hex, "hex"), merchant);
    return true;
  });
}
console.log(JSON.stringify(out));
