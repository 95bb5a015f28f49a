/**
 * The gateway on Node's HTTP server through @hono/node-server: every request
 * goes to the one Hono app (main.ts, and the tests that go over real sockets).
 */
import { getRequestListener } from "@hono/node-server"
import { createServer, type Server } from "node:http"
import type { Gateway } from "./app.js"

/** A Node HTTP server for the gateway, listening; resolves once it is. */
export const serveGateway = (gateway: Gateway, options: { readonly port: number; readonly hostname: string }): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer(getRequestListener(gateway.app.fetch))
    server.once("error", reject)
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject)
      resolve(server)
    })
  })
