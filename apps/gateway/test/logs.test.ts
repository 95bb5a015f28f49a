/**
 * Secrets never reach the logs: the gateway's upstream token, its API keys
 * and candidateExternalConfig secret values, through successes, validation
 * failures, retries, upstream errors and transport failures — at debug level.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startLocalBackend } from "../src/upstream/embedded.js"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGateway, startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

const TOKEN = "upstream-token-LOGTEST-0123456789"
const KEY = "gateway-key-LOGTEST-0123456789"
const WRONG_KEY = "wrong-key-LOGTEST-0123456789"
const EXTERNAL_SECRET = "ext-api-key-LOGTEST-0123456789"
const EXTERNAL_HEADER = "Bearer ext-header-LOGTEST-0123456789"
const SECRETS = [TOKEN, KEY, WRONG_KEY, EXTERNAL_SECRET, EXTERNAL_HEADER]
const T = "/v1/tenants/demo/agents/support_bot"

let fake: FakeFruxon
let remote: TestGateway
let embedded: TestGateway
let dataDir: string

beforeAll(async () => {
  ({ fake, gw: remote } = await startGatewayOverFake({
    apiKeys: [{ key: KEY, tenants: ["demo"] }],
    requestTimeoutMs: 800
  }, { token: TOKEN }))
  dataDir = mkdtempSync(join(tmpdir(), "fruxkit-gw-logs-"))
  embedded = await startGateway(await startLocalBackend(dataDir), { apiKeys: [{ key: KEY, tenants: ["demo"] }] })
})
afterAll(async () => {
  await remote.close()
  await embedded.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const externalEvaluate = JSON.stringify({
  candidateExternalConfig: {
    parameters: { endpoint: "http://127.0.0.1:9/agent", api_key: EXTERNAL_SECRET, auth_header_value: EXTERNAL_HEADER }
  }
})

describe("logs", () => {
  it("hold no secret, whatever happened", async () => {
    const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" }
    for (const gw of [remote, embedded]) {
      const evaluate = await fetch(`${gw.url}${T}:evaluate`, { method: "POST", headers, body: externalEvaluate })
      const answer = await evaluate.text()
      for (const secret of SECRETS) expect(answer).not.toContain(secret)
      // The fake remote echoes the external config: the gateway scrubbed it, keeping the JSON valid.
      if (gw === remote) expect(JSON.parse(answer).candidateExternalConfig.parameters.api_key).toBe("[REDACTED]")
      // Validation failure with a secret in the body.
      await fetch(`${gw.url}${T}:evaluate`, {
        method: "POST",
        headers,
        body: JSON.stringify({ candidateExternalConfig: { parameters: { api_key: EXTERNAL_SECRET, nested: { no: 1 } } } })
      })
      await fetch(`${gw.url}${T}`, { headers: { authorization: `Bearer ${WRONG_KEY}` } })
      await fetch(`${gw.url}${T}`, { headers: { "x-api-key": WRONG_KEY } })
    }
    fake.inject(/marker=logs-retry/, { kind: "status", status: 503, retryAfter: "0" }, { kind: "reset" }, { kind: "reset" })
    await fetch(`${remote.url}${T}?marker=logs-retry`, { headers })
    fake.inject(/marker=logs-stall/, { kind: "stall" })
    await fetch(`${remote.url}${T}?marker=logs-stall`, { headers })

    const logs = remote.logs() + embedded.logs()
    // The logs did record all of it (so the absence below means something).
    expect(logs).toContain('"msg":"retrying upstream call"')
    expect(logs).toContain('"status":401')
    expect(logs).toContain('"status":400')
    expect(logs).toContain('"status":504')
    for (const secret of SECRETS) expect(logs).not.toContain(secret)
  })

  it("follow core's one secret rule: a secret in a header, the path (plain or percent-encoded) or a URL never reaches a line", async () => {
    const headers = { authorization: `Bearer ${KEY}` }
    const before = remote.logs().length
    await fetch(`${remote.url}${T}`, { headers: { ...headers, "x-request-id": "refresh_token=rid-RULE-1" } })
    await fetch(`${remote.url}/v1/tenants/demo/agents/Password=path-RULE-2`, { headers })
    await fetch(`${remote.url}/v1/tenants/demo/agents/http:%2F%2Fu:url-RULE-3@h`, { headers })
    await fetch(`${remote.url}/v1/tenants/demo/agents/x?access_token=query-RULE-4`, { headers })
    const lines = remote.logs().slice(before)
    // The requests were logged (so the absence below means something): one access line each.
    expect(lines.match(/"msg":"request"/g)?.length).toBeGreaterThanOrEqual(4)
    expect(lines).toContain("refresh_token=[REDACTED]")
    expect(lines).not.toContain("RULE-")
  })
})
