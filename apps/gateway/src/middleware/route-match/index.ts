/**
 * Matches /v1 requests against the endpoint table with core's router, which
 * treats `:verb` custom methods literally: `GET …/agents/a1:evaluate` is the
 * `:evaluate` path with the wrong method (405), never agent `a1:evaluate`.
 * Only records the match; auth runs before a 404 is answered, so an
 * unauthenticated client learns nothing about which routes exist.
 */
import type { Context, MiddlewareHandler } from "hono"
import type { Route } from "@fruxkit/core"
import type { GatewayEnv } from "../../env.js"
import { KeyedMemo } from "../../keyed-memo.js"
import { GatewayProblem } from "../../problem.js"
import type { MatchedRoute } from "../../routes.js"
import { requestState } from "../../request-context.js"

export interface RouteMatchOptions {
  readonly router: Route.Router
  /** Distinct method+path pairs remembered (default 10 000; 0 turns the memo off). */
  readonly memoSize?: number
}

/**
 * Matches are remembered by method and path: clients poll the same run and
 * list the same agents over and over, and matching was the largest single
 * cost of a proxied GET in the profile. Match results are immutable, so they
 * are shared; the memo is simply emptied when it fills.
 */
export const routeMatch = (options: RouteMatchOptions): MiddlewareHandler<GatewayEnv> => {
  // By method, then path.
  const memo = new KeyedMemo<Route.RouteMatch>(options.memoSize ?? 10_000)
  const matchOf = (method: string, path: string): Route.RouteMatch => {
    let match = memo.get(method, path)
    if (match === undefined) {
      match = options.router.match(method, path)
      memo.set(method, path, match)
    }
    return match
  }
  return function routeMatch(c, next) {
    const match = matchOf(c.req.method, c.req.path)
    const state = requestState(c)
    state.match = match
    state.routeName = match._tag === "Matched" ? match.endpoint.name : "unmatched"
    return next()
  }
}

/** Throw the problem for a request that did not match an endpoint. */
export const requireMatched = (c: Context<GatewayEnv>): MatchedRoute => {
  const match = requestState(c).match
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
