import { describe, expect, it } from "vitest"
import { resolve } from "node:path"
import { describeConnection, resolveConnection } from "./connection-settings.js"

describe("resolveConnection", () => {
  it("prefers a gateway (flag over FRUXKIT_URL), then the Fruxon API, then the embedded backend", () => {
    const all = { FRUXKIT_URL: "http://gw:8787", FRUXKIT_API_KEY: "gw-key", FRUXON_API_URL: "https://api.fruxon.com", FRUXON_API_TOKEN: "jwt" }
    expect(resolveConnection({ url: "http://flag:1" }, all)).toMatchObject({ mode: "gateway", baseUrl: "http://flag:1", token: "gw-key" })
    expect(resolveConnection({}, all)).toMatchObject({ mode: "gateway", baseUrl: "http://gw:8787", token: "gw-key" })
    expect(resolveConnection({}, { FRUXON_API_URL: "https://api.fruxon.com", FRUXON_API_TOKEN: "jwt" })).toMatchObject({
      mode: "direct",
      token: "jwt"
    })
    const embedded = resolveConnection({}, { FRUXKIT_DATA_DIR: "/data/fruxkit" })
    expect(embedded).toMatchObject({ mode: "embedded", dataDir: "/data/fruxkit", tenant: "demo", token: undefined })
    expect(resolveConnection({}, {}).dataDir).toBe(resolve(".fruxkit"))
    expect(resolveConnection({}, { FRUXKIT_DATA_DIR: "", FRUXKIT_URL: "" })).toMatchObject({ mode: "embedded", dataDir: resolve(".fruxkit") })
  })

  it("takes the tenant from the flag, then FRUXKIT_TENANT", () => {
    expect(resolveConnection({ tenant: "acme" }, { FRUXKIT_TENANT: "other" }).tenant).toBe("acme")
    expect(resolveConnection({}, { FRUXKIT_TENANT: "other" }).tenant).toBe("other")
  })

  it("describes where it connects without the credential", () => {
    const settings = resolveConnection({}, { FRUXON_API_URL: "https://api.fruxon.com", FRUXON_API_TOKEN: "jwt-secret" })
    expect(describeConnection(settings)).toBe("Fruxon API https://api.fruxon.com")
    expect(describeConnection(settings)).not.toContain("jwt-secret")
  })
})
