/**
 * Paths of the endpoint table: building them (client) and matching them
 * (gateway, local backend).
 *
 * Custom methods are a `:verb` suffix on the last segment
 * (`…/agents/{agent}:evaluate`). Neither `HttpApi` nor Hono's router can
 * express them (see DESIGN.md), so matching is done here, once, by segments:
 * a plain `{agent}` segment never contains `:`, and a `{agent}:evaluate`
 * segment splits on its last `:`. `GET …/agents/a1:evaluate` therefore is not
 * agent `a1:evaluate`; it is the `:evaluate` path with the wrong method.
 */
import type * as Endpoint from "./Endpoint.js"
import { allEndpoints } from "./Endpoints.js"

type Segment =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "param"; readonly name: string; readonly verb: string | undefined }
  | { readonly kind: "literalVerb"; readonly text: string; readonly verb: string }

const compile = (template: string): ReadonlyArray<Segment> =>
  template
    .split("/")
    .slice(1)
    .map((part): Segment => {
      const param = /^\{([A-Za-z]+)\}(?::([A-Za-z]+))?$/.exec(part)
      if (param) return { kind: "param", name: param[1]!, verb: param[2] }
      const colon = part.lastIndexOf(":")
      if (colon > 0) return { kind: "literalVerb", text: part.slice(0, colon), verb: part.slice(colon + 1) }
      return { kind: "literal", text: part }
    })

/** The parameter names of a path template, in order (`{tenant}`, `{agent}`, …). */
export const paramNames = (template: string): ReadonlyArray<string> => [...template.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!)

/** Fill a path template; every parameter is percent-encoded as one segment. */
export const buildPath = (template: string, params: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined || value === "") throw new Error(`missing path parameter "${name}"`)
    return encodeURIComponent(String(value))
  })

export type RouteMatch =
  | { readonly _tag: "Matched"; readonly endpoint: Endpoint.Any; readonly params: Readonly<Record<string, string>> }
  | { readonly _tag: "MethodNotAllowed"; readonly allow: ReadonlyArray<string> }
  | { readonly _tag: "NotFound" }
  /** A segment was not valid percent-encoding. */
  | { readonly _tag: "MalformedPath" }

const decodeSegment = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

const matchSegments = (
  compiled: ReadonlyArray<Segment>,
  parts: ReadonlyArray<string>
): Record<string, string> | undefined => {
  if (compiled.length !== parts.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < compiled.length; i++) {
    const segment = compiled[i]!
    const part = parts[i]!
    switch (segment.kind) {
      case "literal":
        if (part !== segment.text) return undefined
        break
      case "literalVerb":
        if (part !== `${segment.text}:${segment.verb}`) return undefined
        break
      case "param": {
        let value: string
        if (segment.verb === undefined) {
          if (part.includes(":")) return undefined
          value = part
        } else {
          const colon = part.lastIndexOf(":")
          if (colon <= 0 || part.slice(colon + 1) !== segment.verb) return undefined
          value = part.slice(0, colon)
        }
        if (value === "") return undefined
        params[segment.name] = value
        break
      }
    }
  }
  return params
}

export interface Router {
  readonly match: (method: string, pathname: string) => RouteMatch
}

/** A router over a set of endpoints (default: the whole table). */
export const makeRouter = (endpoints: ReadonlyArray<Endpoint.Any> = allEndpoints): Router => {
  const routes = endpoints.map((endpoint) => ({ endpoint, compiled: compile(endpoint.path) }))
  return {
    match(method, pathname) {
      const trimmed = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname
      const decoded: Array<string> = []
      for (const raw of trimmed.split("/").slice(1)) {
        const part = decodeSegment(raw)
        if (part === undefined) return { _tag: "MalformedPath" }
        decoded.push(part)
      }
      const allow: Array<string> = []
      for (const route of routes) {
        const params = matchSegments(route.compiled, decoded)
        if (params === undefined) continue
        if (route.endpoint.method === method.toUpperCase()) {
          return { _tag: "Matched", endpoint: route.endpoint, params }
        }
        allow.push(route.endpoint.method)
      }
      return allow.length > 0 ? { _tag: "MethodNotAllowed", allow } : { _tag: "NotFound" }
    }
  }
}
