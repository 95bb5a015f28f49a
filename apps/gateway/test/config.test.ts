import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ConfigError, helpText, OPTIONS, parseConfig, upstreamHonoursKeys, type GatewayConfig } from "../src/config.js"

const config = (argv: Array<string>, env: Record<string, string> = {}): GatewayConfig => {
  const parsed = parseConfig(argv, env)
  if (parsed.help) throw new Error("unexpected --help")
  return parsed.config
}

describe("config", () => {
  it("defaults: embedded, port 8787, ./.fruxkit, loopback, no keys", () => {
    const c = config([])
    expect(c).toMatchObject({ port: 8787, host: "127.0.0.1", upstream: { mode: "embedded", dataDir: "./.fruxkit" }, apiKeys: [] })
    expect(c.bodyLimitBytes).toBe(1024 * 1024)
  })

  it("reads the environment, and flags win", () => {
    const c = config(["--port", "9000", "--data-dir=/tmp/x"], { PORT: "7000", FRUXKIT_DATA_DIR: "/tmp/y" })
    expect(c.port).toBe(9000)
    expect(c.upstream).toEqual({ mode: "embedded", dataDir: "/tmp/x" })
    expect(config([], { PORT: "7000" }).port).toBe(7000)
  })

  it("whether the upstream honours Idempotency-Keys: the mode's default (embedded yes, remote no), the flag or the environment otherwise", () => {
    const remote = { FRUXON_API_URL: "https://api.example.com", FRUXON_API_TOKEN: "t" }
    expect(upstreamHonoursKeys(config([]))).toBe(true)
    expect(upstreamHonoursKeys(config([], remote))).toBe(false)
    expect(upstreamHonoursKeys(config(["--upstream-honours-idempotency-keys", "true"], remote))).toBe(true)
    expect(upstreamHonoursKeys(config([], { ...remote, FRUXKIT_UPSTREAM_HONOURS_IDEMPOTENCY_KEYS: "true" }))).toBe(true)
    expect(upstreamHonoursKeys(config(["--upstream-honours-idempotency-keys=false"]))).toBe(false)
    expect(() => config(["--upstream-honours-idempotency-keys", "yes"])).toThrow(/--upstream-honours-idempotency-keys: expected true or false/)
  })

  it("remote mode needs the token; keeps a path prefix", () => {
    expect(() => config([], { FRUXON_API_URL: "https://api.example.com" })).toThrow(/FRUXON_API_TOKEN/)
    const c = config([], { FRUXON_API_URL: "https://api.example.com/base/", FRUXON_API_TOKEN: "t" })
    expect(c.upstream).toMatchObject({ mode: "remote", url: "https://api.example.com/base", token: "t" })
  })

  it("gives a clear error for a bad value, naming where it came from", () => {
    expect(() => config(["--port", "eighty"])).toThrow(ConfigError)
    expect(() => config(["--port", "eighty"])).toThrow(/--port: expected an integer/)
    expect(() => config([], { PORT: "99999" })).toThrow(/PORT: expected an integer from 0 to 65535, got "99999"/)
    expect(() => config(["--body-limit", "lots"])).toThrow(/--body-limit: expected a size/)
    expect(() => config(["--request-timeout", "-1s"])).toThrow(/--request-timeout/)
    // Core's one duration grammar: a unit is required (a bare number once meant milliseconds here, seconds in ?wait=).
    expect(() => config(["--request-timeout", "30000"])).toThrow(/--request-timeout: expected a number and a unit/)
    expect(() => config([], { FRUXKIT_MAX_WAIT: " 30s" })).toThrow(/FRUXKIT_MAX_WAIT/)
    expect(config(["--request-timeout", "1.5s"]).requestTimeoutMs).toBe(1500)
    expect(() => config(["--log-level", "loud"])).toThrow(/LOG_LEVEL/)
    expect(() => config(["--frobnicate"])).toThrow(/unknown option --frobnicate/)
    expect(() => config(["--port"])).toThrow(/needs a value/)
    expect(() => config([], { FRUXON_API_URL: "not a url", FRUXON_API_TOKEN: "t" })).toThrow(/not a URL/)
  })

  it("refuses a non-loopback bind without API keys, and allows it with keys", () => {
    expect(() => config(["--host", "0.0.0.0"])).toThrow(/refusing to bind 0.0.0.0 without API keys/)
    const c = config(["--host", "0.0.0.0"], { FRUXKIT_API_KEYS: "key-0123456789abcdef=demo,acme;other-0123456789abcdef=*" })
    expect(c.apiKeys).toEqual([
      { key: "key-0123456789abcdef", tenants: ["demo", "acme"] },
      { key: "other-0123456789abcdef", tenants: "*" }
    ])
  })

  it("reads keys from a JSON file and never echoes a key in an error", () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-keys-"))
    const file = join(dir, "keys.json")
    writeFileSync(file, JSON.stringify({ "file-key-0123456789abcdef": ["demo"] }))
    expect(config(["--api-keys-file", file]).apiKeys).toEqual([{ key: "file-key-0123456789abcdef", tenants: ["demo"] }])
    let message = ""
    try {
      config([], { FRUXKIT_API_KEYS: "tooshort-secret=demo" })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/shorter than 16/)
    expect(message).not.toContain("tooshort-secret")
  })

  it("--help lists every option", () => {
    expect(parseConfig(["--help"], {})).toEqual({ help: true })
    const help = helpText()
    for (const option of OPTIONS) {
      if (option.flag) expect(help).toContain(option.flag)
      if (option.env) expect(help).toContain(option.env)
    }
  })

  it("the README's table names every option", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    for (const option of OPTIONS) {
      if (option.flag && option.flag !== "--help") expect(readme).toContain(`\`${option.flag}`)
      if (option.env) expect(readme).toContain(`\`${option.env}\``)
    }
  })
})
