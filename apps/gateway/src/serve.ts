/**
 * The gateway on Node's HTTP server through @hono/node-server: every request
 * goes to the one Hono app (main.ts, and the tests that go over real sockets).
 *
 * Node's defaults let a client hold a connection for a long time without
 * sending a request (60 s for headers, 300 s for a whole request, checked
 * every 30 s, no connection cap): hundreds of sockets that never finish their
 * headers crowded out valid requests (issue 22, finding 2). The gateway's
 * defaults (config.ts): headers within 10 s, a whole request within 30 s,
 * checked every second, at most 10 000 connections; request bodies have their
 * own 10 s bound in body-limit.
 */
import { getRequestListener, RequestError } from "@hono/node-server"
import { createServer, type Server } from "node:http"
import type { Gateway } from "./app.js"
import { GatewayProblem } from "./problem.js"

/**
 * A request the HTTP adapter could not turn into a Request (an odd or blank
 * `Host`, a backslash in the path, an invalid target) reaches fruxkit's code
 * here: it answers problem+json like every other refusal, instead of the
 * adapter's empty 400. The adapter's messages are its own fixed sentences;
 * nothing the client sent is echoed.
 */
export const adapterErrorResponse = (error: unknown): Response =>
  error instanceof RequestError
    ? new GatewayProblem(400, "bad-request-target", "Bad request", `the request cannot be read: ${error.message}`).toResponse()
    : new GatewayProblem(500, "internal", "Internal error", "the gateway failed to read the request").toResponse()

export interface ServeOptions {
  readonly port: number
  readonly hostname: string
  readonly headersTimeoutMs?: number
  readonly requestTimeoutMs?: number
  readonly maxConnections?: number
}

/** How often Node checks headers and request timeouts (its default, 30 s, makes a 10 s bound a 40 s one). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000

/**
 * Connections the kernel holds for the gateway to accept (Linux caps it at
 * net.core.somaxconn). Node's default, 511, is overrun when many clients
 * connect at once under load: the kernel then drops their SYNs and each waits
 * 1, 3, 7 s to retry — latency spent before the gateway sees the connection,
 * where its admission control cannot answer 503 at once (bench/overload.ts).
 */
const LISTEN_BACKLOG = 4096

/** A Node HTTP server for the gateway, listening; resolves once it is. */
export const serveGateway = (gateway: Gateway, options: ServeOptions): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer(
      {
        headersTimeout: options.headersTimeoutMs ?? 10_000,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS
      },
      getRequestListener(gateway.app.fetch, { errorHandler: adapterErrorResponse })
    )
    server.maxConnections = options.maxConnections ?? 10_000
    server.once("error", reject)
    server.listen({ port: options.port, host: options.hostname, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject)
      resolve(server)
    })
  })
