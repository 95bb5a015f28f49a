/** The Hono environment every gateway middleware and route shares: its bindings (a request's own state: request-context.ts). */
import type { HttpBindings } from "@hono/node-server"

export interface Principal {
  /** Stable, non-secret id for logs, metrics and rate limiting (`key#2`, or the client address without keys). */
  readonly id: string
  readonly tenants: ReadonlyArray<string> | "*"
}

/**
 * Under @hono/node-server the bindings are Node's request and response
 * (`c.env.incoming`); under `app.request` (tests) there are none.
 */
export interface GatewayEnv {
  Bindings: Partial<HttpBindings>
}
