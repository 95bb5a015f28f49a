import { describe, expect, it } from "vitest"
import { accessLineWriter, createLogger, hundredthsText, type AccessLine } from "./logger.js"
import { requestIdGenerator } from "./middleware/request-id/index.js"

const capture = () => {
  const lines: Array<string> = []
  return { lines, destination: { write: (line: string) => void lines.push(line) } }
}

describe("access lines", () => {
  const line: AccessLine = {
    requestId: "req-1",
    method: "GET",
    path: '/v1/tenants/demo/agents/a"b\\c',
    route: "getAgent",
    status: 200,
    durationMs: 1.25,
    principal: "key#1"
  }

  it("are the JSON pino writes for the same fields: same keys, order and values", () => {
    const { lines, destination } = capture()
    const logger = createLogger({ level: "info", secrets: [], destination })
    accessLineWriter(logger)("info", line, "request")
    logger.info(line, "request")
    expect(lines).toHaveLength(2)
    const [direct, viaPino] = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]!.endsWith("\n")).toBe(true)
    expect(Object.keys(direct!)).toEqual(Object.keys(viaPino!))
    expect({ ...direct, time: 0 }).toEqual({ ...viaPino, time: 0 })
    expect(Math.abs((direct!.time as number) - (viaPino!.time as number))).toBeLessThan(1000)
  })

  it("write an id the gateway generated as is, the same JSON pino writes for it, with no field for the flag", () => {
    const { lines, destination } = capture()
    const logger = createLogger({ level: "info", secrets: [], destination })
    const id = requestIdGenerator()()
    const generated = { ...line, requestId: id, requestIdGenerated: true }
    accessLineWriter(logger)("info", generated, "request")
    logger.info({ ...line, requestId: id }, "request")
    const [direct, viaPino] = lines.map((l) => l.replace(/"time":\d+/, '"time":0'))
    expect((JSON.parse(direct!) as { requestId: string }).requestId).toBe(id)
    expect(direct).toBe(viaPino)
  })

  it("escape exactly as pino does, whatever the strings hold", () => {
    const strings = ["plain", 'quote"d', "back\\slash", "tab\there", "nul\u0000", "\u007f", "é ü ß", "emoji 😀", ""]
    for (const value of strings) {
      const { lines, destination } = capture()
      const logger = createLogger({ level: "info", secrets: [], destination })
      const odd = { ...line, requestId: value, path: `/v1/${value}`, route: value, principal: value }
      accessLineWriter(logger)("info", odd, value)
      logger.info(odd, value)
      const [direct, viaPino] = lines.map((l) => l.replace(/"time":\d+/, '"time":0'))
      expect(direct).toBe(viaPino)
    }
    // A lone surrogate is escaped, so the line keeps it (pino writes U+FFFD for a short string, an escape for a long one).
    const { lines, destination } = capture()
    accessLineWriter(createLogger({ level: "info", secrets: [], destination }))("info", { ...line, path: "/v1/lone \ud800" }, "request")
    expect(lines[0]).toContain('"path":"/v1/lone \\ud800"')
    expect((JSON.parse(lines[0]!) as { path: string }).path).toBe("/v1/lone \ud800")
  })

  it("follow the level, leave out an absent caller, and never carry a configured secret", () => {
    const { lines, destination } = capture()
    const secret = "gateway-key-ACCESSLOG-0123456789"
    const logger = createLogger({ level: "warn", secrets: [secret], destination })
    const write = accessLineWriter(logger)
    write("info", line, "request")
    expect(lines).toHaveLength(0)
    write("warn", { ...line, status: 502, principal: undefined, path: `/v1/tenants/${secret}/agents` }, "request failed")
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain(secret)
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>
    expect(parsed).toMatchObject({ level: 40, status: 502, msg: "request failed", path: "/v1/tenants/[REDACTED]/agents" })
    expect(parsed).not.toHaveProperty("principal")
    // In any field, and again when the line before held the same values.
    const everywhere = { requestId: `id-${secret}`, method: secret, path: `/v1/${secret}`, route: secret, status: 500, durationMs: 1, principal: secret }
    write("warn", everywhere, secret)
    write("warn", everywhere, secret)
    expect(lines).toHaveLength(3)
    for (const written of lines.slice(1)) {
      expect(written).not.toContain(secret)
      expect(JSON.parse(written)).toMatchObject({ requestId: "id-[REDACTED]", method: "[REDACTED]", path: "/v1/[REDACTED]", route: "[REDACTED]", principal: "[REDACTED]", msg: "[REDACTED]" })
    }
  })

  it("escape every value of a line, whatever the lines before it held", () => {
    const { lines, destination } = capture()
    const write = accessLineWriter(createLogger({ level: "info", secrets: [], destination }))
    const values = ["plain", 'quo"te', 'quo"te', "plain", "back\\slash", "plain"]
    for (const value of values) write("info", { ...line, method: value, route: value, principal: value }, value)
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((l) => [l.method, l.route, l.principal, l.msg])).toEqual(
      values.map((value) => [value, value, value, value])
    )
  })

  it("write durations as JSON writes the number, whatever it is", () => {
    const values = [0, 0.01, 0.1, 0.05, 1, 1.25, 2.5, 10.07, 99.99, 123.4, 1000, 0.29, 1.005, 1 / 3, -1.5, 1e21, 12345678.91, Number.MAX_SAFE_INTEGER / 100]
    for (let i = 0; i < 2000; i++) values.push(Math.round(Math.random() * 1e6) / 100)
    for (const value of values) expect(hundredthsText(value)).toBe(JSON.stringify(value))
  })
})

describe("every line", () => {
  it("follows core's one secret rule: secret-named fields at any depth, URL credentials and token pairs in strings, configured values", () => {
    const { lines, destination } = capture()
    const configured = "gateway-key-RULE-0123456789"
    const logger = createLogger({ level: "info", secrets: [configured], destination })
    logger.child({ requestId: "token=child-RULE-1" }).error(
      {
        err: { message: `POST http://u:url-RULE-2@127.0.0.1/x?access_token=query-RULE-3 failed: api_key=pair-RULE-4 with ${configured}` },
        headers: { "X-Api-Key": "header-RULE-5", Authorization: "Bearer header-RULE-6", accept: "application/json" },
        body: { nested: [{ Password: "body-RULE-7", refreshToken: "body-RULE-8", question: "kept" }] }
      },
      "upstream call failed"
    )
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain("RULE-")
    const line = JSON.parse(lines[0]!)
    expect(line.headers).toEqual({ "X-Api-Key": "[REDACTED]", Authorization: "[REDACTED]", accept: "application/json" })
    expect(line.body.nested[0]).toEqual({ Password: "[REDACTED]", refreshToken: "[REDACTED]", question: "kept" })
    expect(line.err.message).toContain("http://REDACTED@127.0.0.1/x?access_token=REDACTED")
  })
})
