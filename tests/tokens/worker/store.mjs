// The `store` Worker of the token-manager proof: the package's Durable Object class, re-exported
// from the token entry (pkg/tokens/workerd.js under the `workerd` condition) as a user's Worker
// would; the fronts bind its namespace by className + serviceName.
export { SquareTokenStore } from "square-oauth-edge/tokens";

export default {
  fetch() {
    return new Response("the SquareTokenStore Durable Object lives here", { status: 404 });
  },
};
