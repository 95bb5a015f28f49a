#!/usr/bin/env node
/**
 * The gateway's entry: read config (environment + flags), start the
 * upstream (embedded backend or remote pool), serve, and shut down
 * gracefully on SIGTERM/SIGINT.
 */
import type { AddressInfo } from "node:net"
import { createGateway } from "./app.js"
import { configSecrets, ConfigError, helpText, isLoopback, parseConfig, upstreamHonoursKeys, type GatewayConfig } from "./config.js"
import { createLogger } from "./logger.js"
import { SharedIdempotencyStore } from "./idempotency/shared.js"
import { serveGateway } from "./serve.js"
import { startLocalBackend } from "./upstream/embedded.js"
import type { Upstream } from "./upstream/index.js"
import { createRemoteUpstream } from "./upstream/remote.js"

const startUpstream = (config: GatewayConfig): Promise<Upstream> =>
  config.upstream.mode === "remote"
    ? Promise.resolve(
        createRemoteUpstream({
          url: config.upstream.url,
          token: config.upstream.token,
          executionKey: config.upstream.executionKey,
          connections: config.upstream.connections,
          honoursIdempotencyKeys: upstreamHonoursKeys(config)
        })
      )
    : // API keys mean a shared deployment: the backend then refuses loopback/private agent endpoints
      // unless FRUXKIT_EXTERNAL_AGENT_ALLOW admits them (link-local is refused always).
      startLocalBackend(config.upstream.dataDir, config.databaseUrl, { restrictPrivate: config.apiKeys.length > 0 })

/** With FRUXKIT_DATABASE_URL, idempotency records live in the database every gateway shares. */
const openSharedState = async (config: GatewayConfig) => {
  if (config.databaseUrl === undefined) return undefined
  const { openSharedStore } = await import("@fruxkit/local")
  // Where the upstream does not honour keys, a claim left by a gateway that stopped mid-call is kept as long as an
  // answer (not freed after a minute), and a repeat is told the outcome is unknown once no live call can hold it.
  const honours = upstreamHonoursKeys(config)
  const shared = await openSharedStore(config.databaseUrl, {
    ttlMs: config.idempotencyTtlMs,
    ...(honours ? {} : { runningTtlMs: config.idempotencyTtlMs })
  })
  return {
    shared,
    idempotency: new SharedIdempotencyStore(shared, {
      waitMs: config.requestTimeoutMs,
      ...(honours ? {} : { abandonedAfterMs: 2 * (config.requestTimeoutMs + config.maxWaitMs) })
    }),
    sharedRateLimit: (id: string) => shared.takeRateLimitToken(id, config.rateLimitPerSecond, config.rateLimitBurst)
  }
}

/**
 * The start-up banner (plain text on stderr, apart from the JSON logs on
 * stdout). An API key is printed only to a terminal: a log collector
 * reading stderr gets the key's position in the config instead.
 */
const banner = (config: GatewayConfig, url: string, upstream: Upstream): string => {
  const lines = [`fruxkit gateway listening on ${url}`, `  upstream: ${upstream.mode === "remote" ? upstream.description : upstream.description}`]
  const demoPath = "/v1/tenants/demo/agents/support_bot/datasets"
  let authHeader = ""
  if (config.apiKeys.length === 0) {
    lines.push(`  no API keys configured: bound to loopback (${config.host}) only; set FRUXKIT_API_KEYS to expose it`)
  } else {
    const grant = config.apiKeys.find((k) => k.tenants === "*" || k.tenants.includes("demo")) ?? config.apiKeys[0]!
    const index = config.apiKeys.indexOf(grant) + 1
    const shown = process.stderr.isTTY ? grant.key : "$FRUXKIT_API_KEY"
    lines.push(
      process.stderr.isTTY
        ? `  API key to use: ${grant.key}`
        : `  API key to use: key #${index} of FRUXKIT_API_KEYS (not printed: stderr is not a terminal); export it as FRUXKIT_API_KEY`
    )
    authHeader = ` -H "Authorization: Bearer ${shown}"`
  }
  lines.push(`  try: curl -s${authHeader} ${url}${demoPath}`)
  lines.push(`  viewer: ${url}/ui`)
  lines.push(`  docs: ${url}/docs · openapi: ${url}/openapi.json · metrics: ${url}/metrics`)
  return lines.join("\n")
}

const main = async (): Promise<void> => {
  let parsed
  try {
    parsed = parseConfig(process.argv.slice(2), process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`fruxkit-gateway: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
  if (parsed.help) {
    process.stdout.write(`${helpText()}\n`)
    return
  }
  const config = parsed.config
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) })
  const upstream = await startUpstream(config)
  const sharedState = await openSharedState(config)
  const gateway = createGateway(config, {
    upstream,
    logger,
    // The embedded backend holds the demo data: the viewer opens on its tenant.
    ...(upstream.mode === "embedded" ? { viewerTenant: (await import("@fruxkit/local")).DEMO_TENANT } : {}),
    ...(sharedState ? { idempotency: sharedState.idempotency, sharedRateLimit: sharedState.sharedRateLimit } : {})
  })

  const server = await serveGateway(gateway, {
    port: config.port,
    hostname: config.host,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.serverRequestTimeoutMs,
    maxConnections: config.maxConnections
  })
  const address = server.address() as AddressInfo
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address
  const url = `http://${isLoopback(config.host) && config.host === "localhost" ? "localhost" : hostForUrl}:${address.port}`
  process.stderr.write(`${banner(config, url, upstream)}\n`)
  logger.info({ url, upstream: upstream.mode, keys: config.apiKeys.length }, "listening")

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal, inFlight: gateway.inFlight(), deadlineMs: config.shutdownDeadlineMs }, "shutting down")
    const deadline = setTimeout(() => {
      logger.warn({ inFlight: gateway.inFlight() }, "shutdown deadline passed; closing remaining connections")
      server.closeAllConnections()
    }, config.shutdownDeadlineMs)
    deadline.unref()
    // Stop accepting; the callback runs when every connection has closed.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    await gateway.beginShutdown()
    const idle = setInterval(() => server.closeIdleConnections(), 50)
    await closed
    clearInterval(idle)
    clearTimeout(deadline)
    await gateway.close()
    await upstream.close()
    await sharedState?.shared.close()
    logger.info({}, "stopped")
    logger.flush?.()
    process.exit(0)
  }
  // A stray rejection is logged, not fatal: one bad request must not take every other one down with it.
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: { message: (reason as Error)?.message ?? String(reason) } }, "unhandled rejection")
  })
  process.on("SIGTERM", () => void shutdown("SIGTERM"))
  process.on("SIGINT", () => void shutdown("SIGINT"))
}

main().catch((error) => {
  process.stderr.write(`fruxkit-gateway: failed to start: ${(error as Error).message}\n`)
  process.exit(1)
})
