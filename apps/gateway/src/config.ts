/**
 * The gateway's configuration: environment variables, overridden by flags.
 * Every option is in `OPTIONS` once; `--help` and the README's table are
 * written from the same list, so they cannot drift apart.
 */
import { readFileSync } from "node:fs"
import { DurationText } from "@fruxkit/core"

export interface ApiKeyGrant {
  readonly key: string
  /** The tenants this key may use; `"*"` for every tenant. */
  readonly tenants: ReadonlyArray<string> | "*"
}

export type UpstreamConfig =
  | { readonly mode: "embedded"; readonly dataDir: string }
  | {
      readonly mode: "remote"
      readonly url: string
      /** The gateway's own credential; injected upstream, never shown. */
      readonly token: string
      /** `X-API-KEY` for the execution endpoints (`:execute`); defaults to the token. */
      readonly executionKey: string | undefined
      readonly connections: number
    }

export interface GatewayConfig {
  readonly port: number
  readonly host: string
  readonly upstream: UpstreamConfig
  readonly apiKeys: ReadonlyArray<ApiKeyGrant>
  readonly bodyLimitBytes: number
  readonly requestTimeoutMs: number
  /** The longest `?wait=` honoured; longer waits are cut to this. */
  readonly maxWaitMs: number
  /** Requests per second per API key (per client address without keys); 0 turns the limit off. */
  readonly rateLimitPerSecond: number
  readonly rateLimitBurst: number
  /**
   * Upstream calls in flight before new ones wait (`queueDeadlineMs`) or are
   * shed with 503; undefined: the mode's default (embedded 32, remote 256).
   */
  readonly maxUpstreamConcurrency: number | undefined
  /**
   * How long a request may take from arrival to an upstream slot before it
   * is shed (503 + Retry-After); 0 sheds at the cap at once; undefined: the
   * mode's default (embedded 250 ms, remote 0). It bounds what a served
   * request waits before its upstream call, however far past saturation the
   * load goes — including time it sat unread while the process was behind.
   */
  readonly queueDeadlineMs: number | undefined
  /** Upstream calls in flight for one API key (one client address without keys) before its next ones get 429. */
  readonly maxConcurrencyPerKey: number
  /** How long a request body may take to arrive (408 past it); it is read before a shed slot is taken. */
  readonly bodyTimeoutMs: number
  /** Open event streams, in all and per key (429 + Retry-After past either). */
  readonly maxEventStreams: number
  readonly maxEventStreamsPerKey: number
  /** `?wait=` requests waiting, in all and per key (429 + Retry-After past either). */
  readonly maxWaits: number
  readonly maxWaitsPerKey: number
  /** An event stream with no new run state this long ends (`event: idle`); one whose client takes no bytes this long is closed. */
  readonly streamIdleTimeoutMs: number
  /** Node's server: time to receive a request's headers, and the whole request; connections held at most. */
  readonly headersTimeoutMs: number
  readonly serverRequestTimeoutMs: number
  readonly maxConnections: number
  /** Finished runs kept for waiters and streams: at most this many, and this many bytes of them. */
  readonly maxFinishedRuns: number
  readonly maxFinishedRunBytes: number
  readonly shutdownDeadlineMs: number
  /** How long a finished run stays cached for waiters and streams. */
  readonly finishedRunTtlMs: number
  readonly idempotencyTtlMs: number
  /**
   * The upstream de-duplicates creating calls by the `Idempotency-Key` the
   * gateway sends it: then a call whose answer was lost is asked again with
   * the same key; otherwise the key records "outcome unknown" (409 with the
   * list to check). Undefined: the mode's default (embedded true — the local
   * backend stores the key with what it created —, remote false: the
   * contract does not say Fruxon does).
   */
  readonly upstreamHonoursIdempotencyKeys: boolean | undefined
  /**
   * PostgreSQL shared by several gateways (and the embedded backend's store
   * and workers): idempotency records and per-key rate limits live there, so
   * any gateway behind a load balancer keeps the promises of one.
   */
  readonly databaseUrl: string | undefined
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent"
}

export class ConfigError extends Error {
  override readonly name = "ConfigError"
}

interface OptionSpec {
  readonly flag: string
  readonly env: string | undefined
  readonly value: string
  readonly defaultText: string
  readonly description: string
}

/** Every option, in the order `--help` lists them. */
export const OPTIONS: ReadonlyArray<OptionSpec> = [
  { flag: "--port", env: "PORT", value: "<n>", defaultText: "8787", description: "port to listen on" },
  {
    flag: "--host",
    env: "HOST",
    value: "<addr>",
    defaultText: "127.0.0.1",
    description: "address to bind; anything but loopback requires API keys"
  },
  {
    flag: "--data-dir",
    env: "FRUXKIT_DATA_DIR",
    value: "<dir>",
    defaultText: "./.fruxkit",
    description: "embedded mode: where the local backend keeps its data"
  },
  {
    flag: "--api-url",
    env: "FRUXON_API_URL",
    value: "<url>",
    defaultText: "(embedded)",
    description: "remote mode: the Fruxon API base URL (requires FRUXON_API_TOKEN)"
  },
  {
    flag: "",
    env: "FRUXON_API_TOKEN",
    value: "",
    defaultText: "",
    description: "remote mode: the gateway's bearer token (environment only, so it never shows in `ps`)"
  },
  {
    flag: "",
    env: "FRUXON_API_KEY",
    value: "",
    defaultText: "the token",
    description: "remote mode: X-API-KEY sent on :execute"
  },
  {
    flag: "",
    env: "FRUXKIT_API_KEYS",
    value: "",
    defaultText: "(none)",
    description: "gateway API keys: `key=tenant1,tenant2;key2=*` (environment only)"
  },
  {
    flag: "",
    env: "FRUXKIT_DATABASE_URL",
    value: "",
    defaultText: "(none: SQLite, state in this process)",
    description:
      "postgres://…: the embedded backend's store and run queue, and the idempotency records and rate limits every gateway on it shares (environment only: it holds a password)"
  },
  {
    flag: "--api-keys-file",
    env: "FRUXKIT_API_KEYS_FILE",
    value: "<file>",
    defaultText: "(none)",
    description: 'gateway API keys as JSON: {"<key>": ["tenant", ...] | "*"}'
  },
  {
    flag: "--body-limit",
    env: "FRUXKIT_BODY_LIMIT",
    value: "<size>",
    defaultText: "1mb",
    description: "largest request body (b, kb, mb); larger → 413"
  },
  {
    flag: "--request-timeout",
    env: "FRUXKIT_REQUEST_TIMEOUT",
    value: "<dur>",
    defaultText: "30s",
    description: "per-request deadline (ms, s, m), excluding ?wait and streams; → 504"
  },
  {
    flag: "--max-wait",
    env: "FRUXKIT_MAX_WAIT",
    value: "<dur>",
    defaultText: "60s",
    description: "longest ?wait= honoured"
  },
  {
    flag: "--rate-limit",
    env: "FRUXKIT_RATE_LIMIT",
    value: "<n>",
    defaultText: "100",
    description: "requests per second per API key (0 = off); → 429 + Retry-After"
  },
  {
    flag: "--rate-burst",
    env: "FRUXKIT_RATE_BURST",
    value: "<n>",
    defaultText: "200",
    description: "token bucket size for the rate limit"
  },
  {
    flag: "--max-concurrency-per-key",
    env: "FRUXKIT_MAX_CONCURRENCY_PER_KEY",
    value: "<n>",
    defaultText: "64",
    description: "upstream calls in flight for one API key (client address without keys) before its next get 429"
  },
  {
    flag: "--body-timeout",
    env: "FRUXKIT_BODY_TIMEOUT",
    value: "<duration>",
    defaultText: "10s",
    description: "time a request body may take to arrive (408 past it), read before admission"
  },
  {
    flag: "--max-event-streams",
    env: "FRUXKIT_MAX_EVENT_STREAMS",
    value: "<n>",
    defaultText: "2000",
    description: "open event streams in all (per key: a tenth, at least 1); 429 past either"
  },
  {
    flag: "--max-waits",
    env: "FRUXKIT_MAX_WAITS",
    value: "<n>",
    defaultText: "2000",
    description: "?wait requests waiting in all (per key: a tenth, at least 1); 429 past either"
  },
  {
    flag: "--stream-idle-timeout",
    env: "FRUXKIT_STREAM_IDLE_TIMEOUT",
    value: "<duration>",
    defaultText: "2m",
    description: "an event stream with no new run state this long ends (event: idle); one whose client stops reading is closed"
  },
  {
    flag: "--max-connections",
    env: "FRUXKIT_MAX_CONNECTIONS",
    value: "<n>",
    defaultText: "10000",
    description: "client connections held at once (headers must arrive within 10 s, a whole request within 30 s)"
  },
  {
    flag: "--max-upstream-concurrency",
    env: "FRUXKIT_MAX_UPSTREAM_CONCURRENCY",
    value: "<n>",
    defaultText: "32 embedded, 256 remote",
    description: "upstream calls in flight; past it a request waits up to --queue-deadline, then 503 + Retry-After"
  },
  {
    flag: "--queue-deadline",
    env: "FRUXKIT_QUEUE_DEADLINE",
    value: "<duration>",
    defaultText: "250ms embedded, 0 remote",
    description:
      "how long a request may take from arrival (counting time unread while the process is behind) to an upstream slot before 503 + Retry-After (0: shed at the cap at once)"
  },
  {
    flag: "--upstream-honours-idempotency-keys",
    env: "FRUXKIT_UPSTREAM_HONOURS_IDEMPOTENCY_KEYS",
    value: "<true|false>",
    defaultText: "true embedded, false remote",
    description:
      "the upstream de-duplicates creating calls by the Idempotency-Key it is sent: a lost answer is asked again with the same key instead of recorded as outcome unknown (409)"
  },
  {
    flag: "--upstream-connections",
    env: "FRUXKIT_UPSTREAM_CONNECTIONS",
    value: "<n>",
    defaultText: "64",
    description: "remote mode: keep-alive connections to the upstream"
  },
  {
    flag: "--shutdown-deadline",
    env: "FRUXKIT_SHUTDOWN_DEADLINE",
    value: "<dur>",
    defaultText: "10s",
    description: "on SIGTERM/SIGINT, how long in-flight requests may finish"
  },
  {
    flag: "--log-level",
    env: "LOG_LEVEL",
    value: "<level>",
    defaultText: "info",
    description: "fatal, error, warn, info, debug, trace or silent"
  },
  { flag: "--help", env: undefined, value: "", defaultText: "", description: "print this help and exit" }
]

export const helpText = (): string => {
  const rows = OPTIONS.map((o) => {
    const left = [o.flag ? `${o.flag}${o.value ? ` ${o.value}` : ""}` : "", o.env ?? ""].filter(Boolean).join(", ")
    const dflt = o.defaultText ? ` (default ${o.defaultText})` : ""
    return `  ${left.padEnd(52)} ${o.description}${dflt}`
  })
  return [
    "fruxkit-gateway — a Fruxon API gateway: auth, validation, safe retries, waiting, streaming, metrics",
    "",
    "Usage: fruxkit-gateway [options]",
    "",
    "With no FRUXON_API_URL it serves the embedded backend (@fruxkit/local) with demo data.",
    "Flags override environment variables.",
    "",
    ...rows
  ].join("\n")
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const

/** `1mb`, `512kb`, `2048` (bytes). */
export const parseSize = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)?\s*$/i.exec(text)
  if (!match) return undefined
  const unit = (match[2] ?? "b").toLowerCase()
  const factor = unit === "b" ? 1 : unit.startsWith("k") ? 1024 : 1024 * 1024
  return Math.floor(Number(match[1]) * factor)
}

/** `key=tenant1,tenant2;key2=*` (also newline separated). */
export const parseApiKeys = (text: string, source: string): Array<ApiKeyGrant> => {
  const grants: Array<ApiKeyGrant> = []
  for (const entry of text.split(/[;\n]/).map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf("=")
    if (eq <= 0) throw new ConfigError(`${source}: each entry must be key=tenant[,tenant] or key=* (entry ${grants.length + 1})`)
    const key = entry.slice(0, eq).trim()
    const tenants = entry
      .slice(eq + 1)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
    grants.push(validateGrant(key, tenants.includes("*") ? "*" : tenants, source, grants.length + 1))
  }
  return grants
}

const validateGrant = (
  key: string,
  tenants: ReadonlyArray<string> | "*",
  source: string,
  index: number
): ApiKeyGrant => {
  // The key itself is never echoed in an error: it may be a real secret.
  if (key.length < 16) throw new ConfigError(`${source}: API key ${index} is shorter than 16 characters`)
  if (/\s/.test(key)) throw new ConfigError(`${source}: API key ${index} contains whitespace`)
  if (tenants !== "*" && tenants.length === 0) throw new ConfigError(`${source}: API key ${index} names no tenant`)
  return { key, tenants }
}

const parseApiKeysFile = (file: string): Array<ApiKeyGrant> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"))
  } catch (error) {
    throw new ConfigError(`--api-keys-file ${file}: ${(error as Error).message}`)
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`--api-keys-file ${file}: expected an object {"<key>": ["tenant", ...] | "*"}`)
  }
  return Object.entries(parsed as Record<string, unknown>).map(([key, tenants], i) => {
    if (tenants === "*") return validateGrant(key, "*", file, i + 1)
    if (!Array.isArray(tenants) || !tenants.every((t) => typeof t === "string")) {
      throw new ConfigError(`--api-keys-file ${file}: API key ${i + 1} must map to an array of tenants or "*"`)
    }
    return validateGrant(key, tenants as Array<string>, file, i + 1)
  })
}

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly config: GatewayConfig }

/** Flags as a map; `--name value` and `--name=value`. */
const readFlags = (argv: ReadonlyArray<string>): Map<string, string> => {
  const known = new Set(OPTIONS.map((o) => o.flag).filter(Boolean))
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--help" || arg === "-h") {
      flags.set("--help", "")
      continue
    }
    const eq = arg.indexOf("=")
    const name = eq > 0 ? arg.slice(0, eq) : arg
    if (!known.has(name)) throw new ConfigError(`unknown option ${name} (see --help)`)
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) throw new ConfigError(`${name} needs a value (see --help)`)
    flags.set(name, value)
  }
  return flags
}

export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)

export const parseConfig = (argv: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): ParsedArgs => {
  const flags = readFlags(argv)
  if (flags.has("--help")) return { help: true }

  const raw = (flag: string): { value: string; source: string } | undefined => {
    const option = OPTIONS.find((o) => o.flag === flag)!
    if (flags.has(flag)) return { value: flags.get(flag)!, source: flag }
    const fromEnv = option.env ? env[option.env] : undefined
    return fromEnv !== undefined && fromEnv !== "" ? { value: fromEnv, source: option.env! } : undefined
  }
  const integer = (flag: string, fallback: number, min: number, max: number): number => {
    const given = raw(flag)
    if (!given) return fallback
    const n = Number(given.value)
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${given.source}: expected an integer from ${min} to ${max}, got "${given.value}"`)
    }
    return n
  }
  const duration = (flag: string, fallback: number): number => {
    const given = raw(flag)
    if (!given) return fallback
    const ms = DurationText.parse(given.value)
    if (ms === undefined || ms <= 0) {
      throw new ConfigError(`${given.source}: expected ${DurationText.GRAMMAR}, above zero, got "${given.value}"`)
    }
    return ms
  }

  /** A duration where 0 (bare, or with a unit) means "none"; undefined when not given. */
  const durationOrZero = (flag: string): number | undefined => {
    const given = raw(flag)
    if (!given) return undefined
    if (given.value === "0") return 0
    const ms = DurationText.parse(given.value)
    if (ms === undefined || ms < 0) throw new ConfigError(`${given.source}: expected ${DurationText.GRAMMAR} or 0, got "${given.value}"`)
    return ms
  }

  /** `true` or `false`; undefined when not given. */
  const boolean = (flag: string): boolean | undefined => {
    const given = raw(flag)
    if (!given) return undefined
    if (given.value === "true" || given.value === "false") return given.value === "true"
    throw new ConfigError(`${given.source}: expected true or false, got "${given.value}"`)
  }

  const port = integer("--port", 8787, 0, 65535)
  const host = raw("--host")?.value ?? "127.0.0.1"

  const apiUrl = raw("--api-url")
  let upstream: UpstreamConfig
  if (apiUrl) {
    let url: URL
    try {
      url = new URL(apiUrl.value)
    } catch {
      throw new ConfigError(`${apiUrl.source}: not a URL: "${apiUrl.value}"`)
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ConfigError(`${apiUrl.source}: must be an http(s) URL`)
    }
    const token = env.FRUXON_API_TOKEN
    if (!token) throw new ConfigError(`${apiUrl.source} is set but FRUXON_API_TOKEN is not: remote mode needs the gateway's token`)
    upstream = {
      mode: "remote",
      url: url.origin + url.pathname.replace(/\/+$/, ""),
      token,
      executionKey: env.FRUXON_API_KEY || undefined,
      connections: integer("--upstream-connections", 64, 1, 4096)
    }
  } else {
    upstream = { mode: "embedded", dataDir: raw("--data-dir")?.value ?? "./.fruxkit" }
  }

  const apiKeys: Array<ApiKeyGrant> = []
  if (env.FRUXKIT_API_KEYS) apiKeys.push(...parseApiKeys(env.FRUXKIT_API_KEYS, "FRUXKIT_API_KEYS"))
  const keysFile = raw("--api-keys-file")
  if (keysFile) apiKeys.push(...parseApiKeysFile(keysFile.value))

  if (apiKeys.length === 0 && !isLoopback(host)) {
    throw new ConfigError(
      `refusing to bind ${host} without API keys: anyone who can reach it could use the upstream. ` +
        `Set FRUXKIT_API_KEYS (or --api-keys-file), or bind 127.0.0.1.`
    )
  }

  const bodyLimit = raw("--body-limit")
  let bodyLimitBytes = 1024 * 1024
  if (bodyLimit) {
    const parsed = parseSize(bodyLimit.value)
    if (parsed === undefined || parsed <= 0) {
      throw new ConfigError(`${bodyLimit.source}: expected a size such as 1mb, 512kb or 2048, got "${bodyLimit.value}"`)
    }
    bodyLimitBytes = parsed
  }

  const databaseUrl = env.FRUXKIT_DATABASE_URL || undefined
  if (databaseUrl !== undefined) {
    // The URL holds a password: no error echoes it.
    let valid = false
    try {
      const parsedUrl = new URL(databaseUrl)
      valid = parsedUrl.protocol === "postgres:" || parsedUrl.protocol === "postgresql:"
    } catch {
      valid = false
    }
    if (!valid) throw new ConfigError("FRUXKIT_DATABASE_URL: expected postgres://user:password@host:port/database")
  }

  const logLevel = raw("--log-level")?.value ?? "info"
  if (!(LOG_LEVELS as ReadonlyArray<string>).includes(logLevel)) {
    throw new ConfigError(`--log-level / LOG_LEVEL: expected one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`)
  }

  return {
    help: false,
    config: {
      port,
      host,
      upstream,
      apiKeys,
      bodyLimitBytes,
      requestTimeoutMs: duration("--request-timeout", 30_000),
      maxWaitMs: duration("--max-wait", 60_000),
      rateLimitPerSecond: integer("--rate-limit", 100, 0, 1_000_000),
      rateLimitBurst: integer("--rate-burst", 200, 1, 1_000_000),
      maxUpstreamConcurrency: raw("--max-upstream-concurrency") ? integer("--max-upstream-concurrency", 256, 1, 100_000) : undefined,
      queueDeadlineMs: durationOrZero("--queue-deadline"),
      maxConcurrencyPerKey: integer("--max-concurrency-per-key", 64, 1, 100_000),
      bodyTimeoutMs: duration("--body-timeout", 10_000),
      ...streamAndWaitCaps(integer("--max-event-streams", 2000, 1, 1_000_000), integer("--max-waits", 2000, 1, 1_000_000)),
      streamIdleTimeoutMs: duration("--stream-idle-timeout", 120_000),
      headersTimeoutMs: 10_000,
      serverRequestTimeoutMs: 30_000,
      maxConnections: integer("--max-connections", 10_000, 1, 1_000_000),
      maxFinishedRuns: 1000,
      maxFinishedRunBytes: 64 * 1024 * 1024,
      shutdownDeadlineMs: duration("--shutdown-deadline", 10_000),
      finishedRunTtlMs: 10 * 60_000,
      idempotencyTtlMs: 24 * 60 * 60_000,
      upstreamHonoursIdempotencyKeys: boolean("--upstream-honours-idempotency-keys"),
      databaseUrl,
      logLevel: logLevel as GatewayConfig["logLevel"]
    }
  }
}

/** One key may hold a tenth of the streams and of the waits (at least one). */
const streamAndWaitCaps = (maxEventStreams: number, maxWaits: number) => ({
  maxEventStreams,
  maxEventStreamsPerKey: Math.max(1, Math.floor(maxEventStreams / 10)),
  maxWaits,
  maxWaitsPerKey: Math.max(1, Math.floor(maxWaits / 10))
})

/** Defaults for tests and embedding: loopback, embedded, no keys. */
export const defaultConfig = (overrides: Partial<GatewayConfig> = {}): GatewayConfig => {
  const parsed = parseConfig([], {})
  if (parsed.help) throw new Error("unreachable")
  return { ...parsed.config, ...overrides }
}

/** Whether the upstream de-duplicates by the key it is sent: the flag, else the mode's default (embedded yes, remote no). */
export const upstreamHonoursKeys = (config: GatewayConfig): boolean =>
  config.upstreamHonoursIdempotencyKeys ?? config.upstream.mode === "embedded"

/** Secrets of this configuration, to be scrubbed from every log line. */
export const configSecrets = (config: GatewayConfig): Array<string> => [
  ...config.apiKeys.map((k) => k.key),
  ...databaseSecrets(config.databaseUrl),
  ...(config.upstream.mode === "remote"
    ? [config.upstream.token, ...(config.upstream.executionKey ? [config.upstream.executionKey] : [])]
    : [])
]

/** The database URL and its password, so neither shows in a log line. */
const databaseSecrets = (url: string | undefined): Array<string> => {
  if (url === undefined) return []
  try {
    const password = decodeURIComponent(new URL(url).password)
    return password ? [url, password] : [url]
  } catch {
    return [url]
  }
}
