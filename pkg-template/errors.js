// SquareError, the one error class of the package, and the conversion from the plain object the
// wasm side rejects with.

/**
 * The one error class of the package. `code` is stable; see index.d.ts for the list.
 */
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

/** Turns the plain object the wasm side throws or rejects with into a SquareError. */
export function lift(raw) {
  return raw !== null && typeof raw === "object" && raw.name === "SquareError" && typeof raw.code === "string"
    ? new SquareError(raw)
    : raw;
}

/** Calls a synchronous wasm export, rethrowing its errors as SquareError. */
export function sync(fn) {
  try {
    return fn();
  } catch (e) {
    throw lift(e);
  }
}
