/** A Hono app with the gateway's error handling, for testing one middleware with `app.request`. */
import { Hono } from "hono"
import pino from "pino"
import type { GatewayEnv } from "../../src/env.js"
import { toGatewayProblem } from "../../src/problem.js"

export const silentLogger = pino({ level: "silent" })

export const middlewareApp = () => {
  const app = new Hono<GatewayEnv>()
  app.onError((error) => toGatewayProblem(error).toResponse())
  return app
}
