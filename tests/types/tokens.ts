// Type tests of the token manager's public declarations (issue 13) in pkg/tokens/index.d.ts, the entry "square-oauth-edge/tokens": TokenManager,
// its options, the TokenStore interface, MemoryTokenStore, the Durable Object class
// SquareTokenStore, verifyWebhook and the token error codes. Never run: tsc type-checks it
// (tsconfig.tokens*.json, run by tests/types/run.sh).
//
// Part 1 holds correct uses: each must compile. Part 2 holds wrong uses, each on the line after a
// `// @ts-expect-error`; tokens-expect-errors.mjs checks that with the directives removed each of
// those lines, and no other, is an error. Keep every wrong use on a single line.

import {
  MemoryTokenStore,
  OAuthClient,
  SquareError,
  SquareTokenStore,
  TokenManager,
  verifyWebhook,
  type ObtainTokenResponse,
  type SquareErrorCode,
  type SquareFlowErrorCode,
  type SquareInputErrorCode,
  type SquareResponseErrorCode,
  type SquareTokenErrorCode,
  type SquareTransportErrorCode,
  type TokenStore,
  type WebhookEvent,
} from "square-oauth-edge/tokens";

// A Worker's entry module re-exports the Durable Object class by name (wrangler: class_name
// "SquareTokenStore").
export { SquareTokenStore } from "square-oauth-edge/tokens";

// ---- helpers ---------------------------------------------------------------------------------

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type IsAny<T> = 0 extends 1 & T ? true : false;
type NoAny<T> = IsAny<T> extends true ? false : true;
/** True when no property of T is `any`. */
type NoAnyProps<T> = false extends { [K in keyof T]-?: NoAny<T[K]> }[keyof T] ? false : true;
/** True when no parameter and no (awaited) result of the method is `any`. */
type NoAnyMethod<F> = F extends (...args: infer P) => infer R
  ? false extends NoAnyProps<P> | NoAny<R> | NoAny<Awaited<R>> ? false : true
  : false;

declare function use(...values: unknown[]): void;

type Options = ConstructorParameters<typeof TokenManager>[0];
type StoreOption = Options["store"];
type VerifyOptions = Parameters<typeof verifyWebhook>[0];
type Outcome = Awaited<ReturnType<TokenManager["handleWebhook"]>>;

/**
 * Cloudflare's Durable Object types, as @cloudflare/workers-types declares them (the parts that do
 * not need its other types), so that a real binding and a real `ctx` are shown to fit without the
 * package depending on workers-types.
 */
declare namespace CF {
  interface DurableObjectId {
    toString(): string;
    equals(other: DurableObjectId): boolean;
    readonly name?: string;
    readonly jurisdiction?: string;
  }
  interface DurableObjectStub {
    fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
    readonly id: DurableObjectId;
    readonly name?: string;
  }
  type DurableObjectJurisdiction = "eu" | "fedramp" | "fedramp-high" | "us";
  interface DurableObjectNamespaceGetDurableObjectOptions {
    locationHint?: "wnam" | "enam" | "sam" | "weur" | "eeur" | "apac" | "oc" | "afr" | "me";
  }
  abstract class DurableObjectNamespace {
    newUniqueId(options?: { jurisdiction?: DurableObjectJurisdiction }): DurableObjectId;
    idFromName(name: string): DurableObjectId;
    idFromString(id: string): DurableObjectId;
    get(id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions): DurableObjectStub;
    getByName(name: string, options?: DurableObjectNamespaceGetDurableObjectOptions): DurableObjectStub;
    jurisdiction(jurisdiction: DurableObjectJurisdiction): DurableObjectNamespace;
  }
  interface DurableObjectGetOptions {
    allowConcurrency?: boolean;
    noCache?: boolean;
  }
  interface DurableObjectPutOptions {
    allowConcurrency?: boolean;
    allowUnconfirmed?: boolean;
    noCache?: boolean;
  }
  interface DurableObjectListOptions {
    start?: string;
    startAfter?: string;
    end?: string;
    prefix?: string;
    reverse?: boolean;
    limit?: number;
    allowConcurrency?: boolean;
    noCache?: boolean;
  }
  interface DurableObjectTransaction {
    get<T = unknown>(key: string, options?: DurableObjectGetOptions): Promise<T | undefined>;
    get<T = unknown>(keys: string[], options?: DurableObjectGetOptions): Promise<Map<string, T>>;
    list<T = unknown>(options?: DurableObjectListOptions): Promise<Map<string, T>>;
    put<T>(key: string, value: T, options?: DurableObjectPutOptions): Promise<void>;
    put<T>(entries: Record<string, T>, options?: DurableObjectPutOptions): Promise<void>;
    delete(key: string, options?: DurableObjectPutOptions): Promise<boolean>;
    delete(keys: string[], options?: DurableObjectPutOptions): Promise<number>;
    rollback(): void;
    getAlarm(options?: { allowConcurrency?: boolean }): Promise<number | null>;
    setAlarm(scheduledTime: number | Date, options?: DurableObjectPutOptions): Promise<void>;
    deleteAlarm(options?: DurableObjectPutOptions): Promise<void>;
  }
  interface DurableObjectStorage {
    get<T = unknown>(key: string, options?: DurableObjectGetOptions): Promise<T | undefined>;
    get<T = unknown>(keys: string[], options?: DurableObjectGetOptions): Promise<Map<string, T>>;
    list<T = unknown>(options?: DurableObjectListOptions): Promise<Map<string, T>>;
    put<T>(key: string, value: T, options?: DurableObjectPutOptions): Promise<void>;
    put<T>(entries: Record<string, T>, options?: DurableObjectPutOptions): Promise<void>;
    delete(key: string, options?: DurableObjectPutOptions): Promise<boolean>;
    delete(keys: string[], options?: DurableObjectPutOptions): Promise<number>;
    deleteAll(options?: DurableObjectPutOptions): Promise<void>;
    transaction<T>(closure: (txn: DurableObjectTransaction) => Promise<T>): Promise<T>;
    getAlarm(options?: { allowConcurrency?: boolean }): Promise<number | null>;
    setAlarm(scheduledTime: number | Date, options?: DurableObjectPutOptions): Promise<void>;
    deleteAlarm(options?: DurableObjectPutOptions): Promise<void>;
    sync(): Promise<void>;
    transactionSync<T>(closure: () => T): T;
  }
  interface DurableObjectState {
    waitUntil(promise: Promise<unknown>): void;
    readonly id: DurableObjectId;
    readonly storage: DurableObjectStorage;
    blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
    abort(reason?: string): void;
  }
  /** What the runtime calls on a Durable Object instance. */
  interface DurableObject {
    fetch(request: Request): Response | Promise<Response>;
  }
}

interface Env {
  SQUARE_TOKENS: CF.DurableObjectNamespace;
  SQUARE_APPLICATION_ID: string;
  SQUARE_APPLICATION_SECRET: string;
  SQUARE_TOKEN_KEY: string;
  SQUARE_TOKEN_KEY_PREVIOUS?: string;
  SQUARE_WEBHOOK_SIGNATURE_KEY: string;
}
declare const env: Env;
declare const request: Request;
declare const ctx: CF.DurableObjectState;
declare const tokenResponse: ObtainTokenResponse;
declare const someEvent: WebhookEvent;

// =============================================================================================
// Part 1: correct uses compile
// =============================================================================================

const oauth = new OAuthClient({ environment: "sandbox" });

// ---- stores ------------------------------------------------------------------------------------

/** Bring your own store: e.g. Deno KV, Redis, or D1 with an atomic check. */
class MapStore implements TokenStore {
  readonly #map = new Map<string, string>();
  async get(key: string): Promise<string | null> {
    return this.#map.get(key) ?? null;
  }
  async put(key: string, value: string | null, previous: string | null): Promise<boolean> {
    if ((this.#map.get(key) ?? null) !== previous) return false;
    if (value === null) this.#map.delete(key);
    else this.#map.set(key, value);
    return true;
  }
}

/** A store that answers synchronously, and `undefined` for a missing key (both allowed). */
const syncValues = new Map<string, string>();
const syncStore = {
  get(key: string): string | undefined {
    return syncValues.get(key);
  },
  put(key: string, value: string | null, previous: string | null): boolean {
    if ((syncValues.get(key) ?? null) !== previous) return false;
    if (value === null) syncValues.delete(key);
    else syncValues.set(key, value);
    return true;
  },
} satisfies TokenStore;

const memory: TokenStore = new MemoryTokenStore();
const stores: StoreOption[] = [
  new MemoryTokenStore(),
  new MapStore(),
  syncStore,
  env.SQUARE_TOKENS, // a Durable Object namespace bound to SquareTokenStore
];
use(memory, stores);

async function memoryStoreIsAStore(): Promise<void> {
  const m = new MemoryTokenStore();
  const v = await m.get("MLMERCHANT01");
  const s: string | null | undefined = v;
  const written: boolean = await m.put("MLMERCHANT01", "sqoe1.x", null);
  await m.put("MLMERCHANT01", null, "sqoe1.x");
  use(s, written);
}

// ---- the manager -------------------------------------------------------------------------------

const tokens = new TokenManager({
  client: oauth,
  clientId: env.SQUARE_APPLICATION_ID,
  clientSecret: env.SQUARE_APPLICATION_SECRET,
  store: env.SQUARE_TOKENS,
  encryptionKey: env.SQUARE_TOKEN_KEY,
});
// PKCE apps have no secret; every option at once; explicit undefined (exactOptionalPropertyTypes)
new TokenManager({ client: oauth, clientId: "sq0idp-x", store: new MemoryTokenStore(), encryptionKey: "k" });
new TokenManager({
  client: new OAuthClient({ baseUrl: "http://127.0.0.1:8787", timeoutMs: 5_000 }),
  clientId: "sq0idp-x",
  clientSecret: "sq0csp-x",
  store: new MapStore(),
  encryptionKey: "k",
  previousEncryptionKey: "old",
  refreshAfterDays: 5,
});
new TokenManager({
  client: oauth,
  clientId: "sq0idp-x",
  clientSecret: undefined,
  store: syncStore,
  encryptionKey: env.SQUARE_TOKEN_KEY,
  previousEncryptionKey: env.SQUARE_TOKEN_KEY_PREVIOUS,
  refreshAfterDays: undefined,
});
const options: Options = { client: oauth, clientId: "a", store: memory, encryptionKey: "k" };
new TokenManager(options);

async function lifecycle(merchantId: string): Promise<void> {
  const merchant: string = await tokens.save(tokenResponse);
  await tokens.save(await oauth.obtainToken({ grant_type: "authorization_code", client_id: "a", client_secret: "s", code: "c" }));
  await tokens.save({ access_token: "EAAA", merchant_id: "MLMERCHANT01", refresh_token: "EQAA", expires_at: "2026-01-01T00:00:00Z" });
  const accessToken: string = await tokens.accessToken(merchantId);
  await tokens.revoke(merchant);
  await tokens.forget(merchant);
  type _save = Expect<Equal<ReturnType<TokenManager["save"]>, Promise<string>>>;
  type _access = Expect<Equal<ReturnType<TokenManager["accessToken"]>, Promise<string>>>;
  type _revoke = Expect<Equal<ReturnType<TokenManager["revoke"]>, Promise<void>>>;
  type _forget = Expect<Equal<ReturnType<TokenManager["forget"]>, Promise<void>>>;
  use(accessToken);
}

// ---- webhooks ----------------------------------------------------------------------------------

async function webhook(): Promise<Response> {
  const body = await request.text();
  const event: WebhookEvent = await verifyWebhook({
    body,
    signature: request.headers.get("x-square-hmacsha256-signature"),
    signatureKey: env.SQUARE_WEBHOOK_SIGNATURE_KEY,
    notificationUrl: request.url,
  });
  await verifyWebhook({
    body: new Uint8Array(await request.arrayBuffer()),
    signature: undefined,
    signatureKey: "k",
    notificationUrl: "https://example.com/hook",
  });
  const type: string = event.type;
  const id: string = event.event_id;
  const createdAt: string = event.created_at;
  const merchantId: string | undefined = event.merchant_id;
  use(type, id, createdAt, merchantId);
  type _verify = Expect<Equal<ReturnType<typeof verifyWebhook>, Promise<WebhookEvent>>>;
  type _outcome = Expect<Equal<Outcome, "forgotten" | "not-stored" | "ignored">>;
  const outcome = await tokens.handleWebhook(event);
  switch (outcome) {
    case "forgotten":
    case "not-stored":
      return new Response(null, { status: 204 });
    case "ignored":
      return new Response(null, { status: 202 });
    default: {
      const exhaustive: never = outcome;
      return exhaustive;
    }
  }
}

// ---- the Durable Object class --------------------------------------------------------------------

const DurableObjectClass: new (ctx: CF.DurableObjectState, env: Env) => CF.DurableObject = SquareTokenStore;
const object = new SquareTokenStore(ctx, env);
const answer: Promise<Response> = object.fetch(request);
const asDurableObject: CF.DurableObject = object;
new SquareTokenStore(ctx, {});
use(DurableObjectClass, answer, asDurableObject);

// A Worker module: the default export plus the class export above.
const worker = {
  async fetch(req: Request, bindings: Env): Promise<Response> {
    const manager = new TokenManager({
      client: oauth,
      clientId: bindings.SQUARE_APPLICATION_ID,
      clientSecret: bindings.SQUARE_APPLICATION_SECRET,
      store: bindings.SQUARE_TOKENS,
      encryptionKey: bindings.SQUARE_TOKEN_KEY,
    });
    const merchantId = new URL(req.url).searchParams.get("merchant") ?? "";
    return new Response(await manager.accessToken(merchantId));
  },
};
use(worker);

// ---- errors --------------------------------------------------------------------------------------

type _tokenCodes = Expect<
  Equal<
    SquareTokenErrorCode,
    | "REAUTHORIZE_REQUIRED"
    | "UNKNOWN_MERCHANT"
    | "UNREADABLE_RECORD"
    | "STORE_ERROR"
    | "INVALID_WEBHOOK_SIGNATURE"
    | "INVALID_WEBHOOK_EVENT"
    | "STALE_WEBHOOK"
    | "CRYPTO_ERROR"
  >
>;
type _codeGroups = Expect<
  Equal<
    SquareErrorCode,
    SquareInputErrorCode | SquareTransportErrorCode | SquareResponseErrorCode | SquareFlowErrorCode | SquareTokenErrorCode
  >
>;
type _disjoint = Expect<
  Equal<Extract<SquareTokenErrorCode, SquareInputErrorCode | SquareTransportErrorCode | SquareResponseErrorCode | SquareFlowErrorCode>, never>
>;

async function handleErrors(merchantId: string): Promise<string | undefined> {
  try {
    return await tokens.accessToken(merchantId);
  } catch (err: unknown) {
    if (!(err instanceof SquareError)) throw err;
    switch (err.code) {
      case "REAUTHORIZE_REQUIRED":
      case "UNKNOWN_MERCHANT":
        return undefined; // send the seller through the authorize flow again
      case "UNREADABLE_RECORD":
      case "STORE_ERROR":
      case "CRYPTO_ERROR":
      case "TIMEOUT":
      case "NETWORK_ERROR":
        throw err;
      default:
        return undefined;
    }
  }
}

function isTokenCode(code: SquareErrorCode): code is SquareTokenErrorCode {
  return code === "REAUTHORIZE_REQUIRED" || code === "STALE_WEBHOOK";
}
const codes: SquareErrorCode[] = ["INVALID_WEBHOOK_SIGNATURE", "INVALID_WEBHOOK_EVENT", "CRYPTO_ERROR", "STORE_ERROR"];
use(handleErrors, isTokenCode, codes, lifecycle, webhook, memoryStoreIsAStore);

// ---- no `any` leaks out of the new declarations -----------------------------------------------------

type _noAny = [
  Expect<NoAnyProps<Options>>,
  Expect<NoAnyProps<Required<Options>>>,
  Expect<NoAny<StoreOption>>,
  Expect<NoAnyProps<VerifyOptions>>,
  Expect<NoAnyProps<WebhookEvent>>,
  Expect<NoAnyProps<TokenStore>>,
  Expect<NoAnyMethod<TokenStore["get"]>>,
  Expect<NoAnyMethod<TokenStore["put"]>>,
  Expect<NoAnyProps<TokenManager>>,
  Expect<NoAnyMethod<TokenManager["save"]>>,
  Expect<NoAnyMethod<TokenManager["accessToken"]>>,
  Expect<NoAnyMethod<TokenManager["revoke"]>>,
  Expect<NoAnyMethod<TokenManager["forget"]>>,
  Expect<NoAnyMethod<TokenManager["handleWebhook"]>>,
  Expect<NoAnyProps<MemoryTokenStore>>,
  Expect<NoAnyMethod<MemoryTokenStore["get"]>>,
  Expect<NoAnyMethod<MemoryTokenStore["put"]>>,
  Expect<NoAnyProps<SquareTokenStore>>,
  Expect<NoAnyMethod<SquareTokenStore["fetch"]>>,
  Expect<NoAnyProps<ConstructorParameters<typeof SquareTokenStore>>>,
  Expect<NoAnyProps<ConstructorParameters<typeof TokenManager>>>,
  Expect<NoAnyMethod<typeof verifyWebhook>>,
  Expect<NoAny<SquareTokenErrorCode>>,
  Expect<NoAny<Outcome>>,
];

// =============================================================================================
// Part 2: wrong uses are rejected (one per line, each after a @ts-expect-error)
// =============================================================================================

async function rejected(merchantId: string): Promise<void> {
  // ---- options ----
  // @ts-expect-error clientId is required
  new TokenManager({ client: oauth, store: memory, encryptionKey: "k" });
  // @ts-expect-error client is required
  new TokenManager({ clientId: "a", store: memory, encryptionKey: "k" });
  // @ts-expect-error store is required
  new TokenManager({ client: oauth, clientId: "a", encryptionKey: "k" });
  // @ts-expect-error encryptionKey is required
  new TokenManager({ client: oauth, clientId: "a", store: memory });
  // @ts-expect-error options are required
  new TokenManager();
  // @ts-expect-error client must be an OAuthClient, not its options
  new TokenManager({ client: { environment: "sandbox" }, clientId: "a", store: memory, encryptionKey: "k" });
  // @ts-expect-error a Map is not a store (no put)
  new TokenManager({ client: oauth, clientId: "a", store: new Map<string, string>(), encryptionKey: "k" });
  // @ts-expect-error a string is not a store
  new TokenManager({ client: oauth, clientId: "a", store: "SQUARE_TOKENS", encryptionKey: "k" });
  // @ts-expect-error a store whose put answers a string, not a boolean
  new TokenManager({ client: oauth, clientId: "a", store: { get: (k: string) => k, put: () => "ok" }, encryptionKey: "k" });
  // @ts-expect-error a store whose get answers a number
  new TokenManager({ client: oauth, clientId: "a", store: { get: () => 42, put: () => true }, encryptionKey: "k" });
  // @ts-expect-error the key is base64 text, not bytes
  new TokenManager({ client: oauth, clientId: "a", store: memory, encryptionKey: new Uint8Array(32) });
  // @ts-expect-error refreshAfterDays is a number
  new TokenManager({ client: oauth, clientId: "a", store: memory, encryptionKey: "k", refreshAfterDays: "7" });
  // @ts-expect-error unknown option (there is one previousEncryptionKey, not a list)
  new TokenManager({ client: oauth, clientId: "a", store: memory, encryptionKey: "k", encryptionKeys: ["k"] });
  // @ts-expect-error clientSecret is a string
  new TokenManager({ client: oauth, clientId: "a", clientSecret: true, store: memory, encryptionKey: "k" });

  // ---- methods ----
  // @ts-expect-error the merchant id is a string
  await tokens.accessToken(123);
  // @ts-expect-error the merchant id is required
  await tokens.accessToken();
  // @ts-expect-error accessToken is async
  const token: string = tokens.accessToken(merchantId);
  // @ts-expect-error revoke resolves to nothing
  const revoked: boolean = await tokens.revoke(merchantId);
  // @ts-expect-error save takes the token response, not a merchant id
  await tokens.save(merchantId);
  // @ts-expect-error forget needs the merchant id
  await tokens.forget();

  // ---- webhooks ----
  // @ts-expect-error handleWebhook takes the verified event, not the raw body
  await tokens.handleWebhook(await request.text());
  // @ts-expect-error not an event: event_id and created_at are missing
  await tokens.handleWebhook({ type: "oauth.authorization.revoked" });
  // @ts-expect-error not an outcome
  if ((await tokens.handleWebhook(someEvent)) === "revoked") use();
  // @ts-expect-error verifyWebhook is async
  const event: WebhookEvent = verifyWebhook({ body: "{}", signature: "s", signatureKey: "k", notificationUrl: "https://x" });
  // @ts-expect-error the signature key is required
  await verifyWebhook({ body: "{}", signature: "s", notificationUrl: "https://x" });
  // @ts-expect-error the notification URL is required
  await verifyWebhook({ body: "{}", signature: "s", signatureKey: "k" });
  // @ts-expect-error the body is the raw text or bytes, not parsed JSON
  await verifyWebhook({ body: { type: "t" }, signature: "s", signatureKey: "k", notificationUrl: "https://x" });
  // @ts-expect-error the signature is the header's text
  await verifyWebhook({ body: "{}", signature: 123, signatureKey: "k", notificationUrl: "https://x" });
  // @ts-expect-error the event's type is a string
  const eventType: number = event.type;

  // ---- stores and the Durable Object class ----
  // @ts-expect-error a TokenStore needs put
  const noPut: TokenStore = { get: () => null };
  // @ts-expect-error put answers a boolean
  const badPut: TokenStore = { get: () => null, put: async () => undefined };
  // @ts-expect-error put gets the previous value as a string (or null), so it cannot take a number
  const badPrevious: TokenStore = { get: () => null, put: (_k: string, _v: string | null, _p: number) => true };
  // @ts-expect-error the Durable Object class is built by the runtime with (ctx, env)
  new SquareTokenStore();
  // @ts-expect-error a Durable Object answers a Request
  await object.fetch("https://example.com/");
  // @ts-expect-error MemoryTokenStore takes no argument
  new MemoryTokenStore(new Map());

  // ---- errors ----
  // @ts-expect-error not a token error code
  const tokenCode: SquareTokenErrorCode = "TIMEOUT";
  // @ts-expect-error not a SquareErrorCode
  const unknownCode: SquareErrorCode = "REAUTHORIZATION_REQUIRED";
  use(token, revoked, eventType, noPut, badPut, badPrevious, tokenCode, unknownCode);
}
use(rejected);
