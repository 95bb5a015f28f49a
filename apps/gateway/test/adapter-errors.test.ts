/** Requests that fail in the HTTP adapter answer problem+json (issue 21), over a real socket. */
import * as net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

let fake: FakeFruxon
let gw: TestGateway
beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake())
})
afterAll(async () => {
  await gw?.close()
})

/** One raw HTTP/1.1 exchange: what the gateway answered, as text. */
const exchange = (request: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(gw.url).port), "127.0.0.1")
    let text = ""
    socket.on("data", (d) => (text += d.toString("latin1")))
    socket.on("error", reject)
    socket.on("close", () => resolve(text))
    socket.write(request)
  })

describe("requests the HTTP adapter cannot read", () => {
  it.each([
    ["a backslash in the path", "GET /v1/tenants/demo\\agents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
    ["an odd Host", "GET /v1/tenants/demo/agents HTTP/1.1\r\nHost: exa mple\r\nConnection: close\r\n\r\n"],
    ["a blank Host", "GET /v1/tenants/demo/agents HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"]
  ])("%s: 400 problem+json, nothing forwarded", async (_, request) => {
    const before = fake.requests.length
    const answer = await exchange(request)
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer).toMatch(/content-type: application\/problem\+json/i)
    expect(answer).toContain('"status":400')
    expect(fake.requests.length).toBe(before)
  })
})
