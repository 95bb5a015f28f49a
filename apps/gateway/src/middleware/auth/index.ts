/**
 * Gateway API keys. A key maps to the tenants it may use; the client sends it
 * as `Authorization: Bearer <key>` or `X-API-Key`. Keys are compared in
 * constant time (SHA-256 digests, every configured key checked, no early
 * exit). The client's own credential is consumed here and never forwarded:
 * the proxy builds upstream headers from an allowlist.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { Context, MiddlewareHandler } from "hono"
import type { ApiKeyGrant } from "../../config.js"
import type { GatewayEnv, Principal } from "../../env.js"
import { GatewayProblem } from "../../problem.js"
import { header, incomingOf, requestState } from "../../request-context.js"

export interface AuthOptions {
  /** Empty: no authentication (the gateway then binds loopback only; see config). */
  readonly keys: ReadonlyArray<ApiKeyGrant>
}

const digest = (value: string): Buffer => createHash("sha256").update(value).digest()

const presentedKey = (c: Context<GatewayEnv>): string | undefined => {
  const authorization = header(c, "authorization")
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    return match ? match[1] : undefined
  }
  return header(c, "x-api-key")?.trim() || undefined
}

const clientAddress = (c: Context<GatewayEnv>): string => incomingOf(c)?.socket?.remoteAddress ?? "local"

const unauthorized = (detail: string) =>
  new GatewayProblem(401, "unauthorized", "Unauthorized", detail, undefined, {
    "www-authenticate": 'Bearer realm="fruxkit-gateway"'
  })

export const auth = (options: AuthOptions): MiddlewareHandler<GatewayEnv> => {
  const grants = options.keys.map((grant, index) => ({
    digest: digest(grant.key),
    principal: { id: `key#${index + 1}`, tenants: grant.tenants } satisfies Principal
  }))

  // Without keys, callers are told apart by address; consecutive calls from one address share one principal.
  let anonymous: Principal | undefined
  return function auth(c, next) {
    let principal: Principal
    if (grants.length === 0) {
      const address = clientAddress(c)
      principal = anonymous?.id === address ? anonymous : (anonymous = { id: address, tenants: "*" })
    } else {
      const key = presentedKey(c)
      if (key === undefined) throw unauthorized("send a gateway API key as `Authorization: Bearer <key>`")
      const presented = digest(key)
      let found: Principal | undefined
      for (const grant of grants) {
        // No early exit: the time taken does not say which key (if any) matched.
        if (timingSafeEqual(grant.digest, presented) && found === undefined) found = grant.principal
      }
      if (found === undefined) throw unauthorized("the API key is not valid")
      principal = found
    }
    requestState(c).principal = principal

    const match = requestState(c).match
    if (match?._tag === "Matched" && principal.tenants !== "*") {
      const tenant = match.params.tenant
      if (tenant !== undefined && !principal.tenants.includes(tenant)) {
        throw new GatewayProblem(403, "forbidden", "Forbidden", `this API key may not use tenant "${tenant}"`)
      }
    }
    return next()
  }
}
