/**
 * What the gateway serves under /v1: core's endpoint table plus the
 * gateway's own extension (the run's event stream). Matching goes through
 * core's router, which handles the `:verb` custom methods that Hono's
 * patterns cannot express (DESIGN.md).
 */
import { Endpoint, Route, allEndpoints } from "@fruxkit/core"

/** The run the table marks as streamable (`run.stream`): its event stream lives under its path. */
const streamedRun = allEndpoints.find((endpoint) => endpoint.run?.stream === true)
if (streamedRun === undefined) throw new Error("the endpoint table marks no run as streamable")

/** Gateway extension: Server-Sent Events for one evaluation run. */
export const evaluationRunEvents = Endpoint.make({
  name: "evaluationRunEvents",
  group: "Evaluation runs",
  method: "GET",
  path: `${streamedRun.path}/events`,
  summary: "Server-Sent Events: every status/progress change of a run, then the finished run (fruxkit gateway)",
  retry: "safe"
})

export const gatewayEndpoints: ReadonlyArray<Endpoint.Any> = [...allEndpoints, evaluationRunEvents]

export const router = Route.makeRouter(gatewayEndpoints)

export type MatchedRoute = Extract<Route.RouteMatch, { _tag: "Matched" }>

/**
 * An endpoint's path as a Hono route pattern (`{run}` → `:run`), for an
 * endpoint whose last segment has no `:verb` (Hono cannot match those:
 * DESIGN.md); core's router still decides every /v1 match.
 */
export const honoPath = (endpoint: Endpoint.Any): string => {
  if (/\}:/.test(endpoint.path) || /:[a-zA-Z]+$/.test(endpoint.path)) throw new Error(`${endpoint.name}: a custom-method path is not a Hono pattern`)
  return endpoint.path.replace(/\{(\w+)\}/g, ":$1")
}
