/**
 * A gateway on a real loopback socket, in front of a given upstream, with its
 * logs captured; `startGatewayOverFake` puts it in front of the test kit's
 * fake Fruxon (the setup most gateway tests share).
 */
import type { AddressInfo } from "node:net"
import { Writable } from "node:stream"
import { startFakeFruxon, type FakeFruxon, type FakeFruxonOptions } from "@fruxkit/testkit"
import { createGateway, type Gateway, type GatewayDeps } from "../../src/app.js"
import { configSecrets, defaultConfig, type GatewayConfig } from "../../src/config.js"
import { createLogger } from "../../src/logger.js"
import { createMetrics } from "../../src/metrics.js"
import { serveGateway } from "../../src/serve.js"
import type { Upstream } from "../../src/upstream/index.js"
import { createRemoteUpstream } from "../../src/upstream/remote.js"

export interface TestGateway {
  readonly url: string
  readonly gateway: Gateway
  readonly config: GatewayConfig
  /** Every log line written so far. */
  readonly logs: () => string
  readonly close: () => Promise<void>
}

export const startGateway = async (
  upstream: Upstream,
  overrides: Partial<GatewayConfig> = {},
  deps: Partial<Pick<GatewayDeps, "viewerTenant" | "pollOptions">> = {}
): Promise<TestGateway> => {
  const config = defaultConfig({ rateLimitPerSecond: 0, logLevel: "debug", ...overrides })
  const lines: Array<string> = []
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString())
      callback()
    }
  })
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), destination })
  const gateway = createGateway(config, {
    upstream,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    retry: { baseDelay: "20 millis", maxDelay: "100 millis" },
    pollOptions: { initialDelay: "20 millis", maxDelay: "50 millis" },
    ...deps
  })
  const server = await serveGateway(gateway, {
    port: 0,
    hostname: "127.0.0.1",
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.serverRequestTimeoutMs,
    maxConnections: config.maxConnections
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    config,
    logs: () => lines.join(""),
    close: async () => {
      await gateway.beginShutdown()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await gateway.close()
      await upstream.close()
    }
  }
}

export interface GatewayOverFake {
  readonly fake: FakeFruxon
  /** Its close closes the fake too. */
  readonly gw: TestGateway
}

/**
 * A fake Fruxon and a gateway in front of it (remote upstream with `token`).
 * The fake's runs move only when a test advances them (`step: 0`: tests here
 * count polls), and its `:evaluate` echoes the external config (the gateway
 * must scrub what a careless upstream sends back).
 */
export const startGatewayOverFake = async (
  overrides: Partial<GatewayConfig> = {},
  options: { readonly token?: string; readonly fake?: FakeFruxonOptions } = {}
): Promise<GatewayOverFake> => {
  const fake = await startFakeFruxon({ step: 0, echoExternalConfig: true, ...options.fake })
  const gw = await startGateway(createRemoteUpstream({ url: fake.url, token: options.token ?? "upstream-token-0123456789" }), overrides)
  return {
    fake,
    gw: {
      ...gw,
      close: async () => {
        await gw.close()
        await fake.close()
      }
    }
  }
}
