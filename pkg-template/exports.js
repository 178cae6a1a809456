// The package's API, shared by every entry file (each is bundled with it into one module): the
// wasm-bindgen exports and the error class. The entry files only instantiate the wasm.
export {
  OAuthClient,
  authorizeUrl,
  createPkce,
  createState,
  parseCallback,
  shouldRefresh,
} from "./square_oauth_edge.js";
export { SquareError } from "./errors.js";
