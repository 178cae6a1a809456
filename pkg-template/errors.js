// SquareError, the one error class of the package. The wasm constructs it (src/js/error.rs imports
// this file); every entry re-exports it, so that `instanceof SquareError` holds.

/** The one error class of the package. `code` is stable; see index.d.ts for the list. */
export class SquareError extends Error {
  /** @param {{code: string, message: string, field?: string, statusCode?: number, errors?: unknown[], body?: unknown, cause?: unknown}} raw */
  constructor(raw) {
    super(raw.message, "cause" in raw ? { cause: raw.cause } : undefined);
    this.code = raw.code;
    if (raw.statusCode !== undefined) this.statusCode = raw.statusCode;
    this.errors = Array.isArray(raw.errors) ? raw.errors : [];
    if ("body" in raw) this.body = raw.body;
    if (raw.field !== undefined) this.field = raw.field;
  }
}
Object.defineProperty(SquareError.prototype, "name", {
  value: "SquareError",
  writable: true,
  configurable: true,
});
