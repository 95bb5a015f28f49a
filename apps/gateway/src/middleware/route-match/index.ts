/**
 * Matches /v1 requests against the endpoint table with core's router, which
 * treats `:verb` custom methods literally: `GET …/agents/a1:evaluate` is the
 * `:evaluate` path with the wrong method (405), never agent `a1:evaluate`.
 * Only records the match; auth runs before a 404 is answered, so an
 * unauthenticated client learns nothing about which routes exist.
 */
import type { Context, Next } from "hono"
import type { Route } from "@fruxkit/core"
import type { GatewayEnv } from "../../env.js"
import { GatewayProblem } from "../../problem.js"
import type { MatchedRoute } from "../../routes.js"

export interface RouteMatchOptions {
  readonly router: Route.Router
}

export const routeMatch = (options: RouteMatchOptions) =>
  async function routeMatch(c: Context<GatewayEnv>, next: Next) {
    const match = options.router.match(c.req.method, c.req.path)
    c.set("match", match)
    c.set("routeName", match._tag === "Matched" ? match.endpoint.name : "unmatched")
    await next()
  }

/** Throw the problem for a request that did not match an endpoint. */
export const requireMatched = (c: Context<GatewayEnv>): MatchedRoute => {
  const match = c.get("match")
  switch (match._tag) {
    case "Matched":
      return match
    case "MethodNotAllowed":
      throw new GatewayProblem(
        405,
        "method-not-allowed",
        "Method not allowed",
        `${c.req.method} is not served at this path; it takes ${match.allow.join(", ")}`,
        { allow: match.allow },
        { allow: match.allow.join(", ") }
      )
    case "MalformedPath":
      throw new GatewayProblem(400, "invalid-request", "Invalid request", "the path is not valid percent-encoding", {
        errors: [{ path: "path", message: "not valid percent-encoding" }]
      })
    case "NotFound":
      throw new GatewayProblem(404, "not-found", "Not found", `no endpoint at ${c.req.method} ${c.req.path}`)
  }
}
