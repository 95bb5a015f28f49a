import { describe, expect, it } from "vitest"
import * as Secrets from "../src/Secrets.js"
import { SECRET_EXTERNAL_CONFIG_KEYS } from "../src/schema/EvaluationRun.js"

describe("the one secret rule", () => {
  it("matches secret key names case-insensitively, camelCase and dashes included", () => {
    const secret = ["password", "Password", "PASSWORD", "secret", "token", "api_key", "apiKey", "API-KEY", "auth_header_value", "refresh_token", "access_token", "accessToken", "Access-Token", "client_secret", "db_password", "x_api_key", "private_key", "Authorization"]
    const plain = ["endpoint", "assistant_id", "auth_header_name", "timeout_seconds", "tokens", "inputTokens", "tokenCount", "keyboard", "monkey", "name"]
    expect(secret.filter((k) => !Secrets.isSecretKey(k))).toEqual([])
    expect(plain.filter((k) => Secrets.isSecretKey(k))).toEqual([])
    // The contract's constant is the same rule.
    expect(secret.every((k) => SECRET_EXTERNAL_CONFIG_KEYS.has(k))).toBe(true)
  })

  it("redacts a URL's userinfo and token-like query values, and leaves a clean URL as it was", () => {
    expect(Secrets.redactUrl("http://user:pa55@127.0.0.1:9/x?access_token=abc&key=k1&q=ok")).toBe(
      "http://REDACTED@127.0.0.1:9/x?access_token=REDACTED&key=REDACTED&q=ok"
    )
    expect(Secrets.redactUrl("http://127.0.0.1:9/agent?q=1")).toBe("http://127.0.0.1:9/agent?q=1")
    expect(Secrets.redactUrl("http://user:pa55@[bad")).not.toContain("pa55")
  })

  it("redacts URLs in free text and secret keys at any depth", () => {
    expect(Secrets.redactText("external agent unreachable at http://u:pw123@h/x?token=t0k")).not.toMatch(/pw123|t0k/)
    const shown = Secrets.redactValue({ endpoint: "http://a:b@h/", nested: [{ Password: "p1", refresh_token: "r1", keep: "k" }], apiKey: "" })
    expect(shown).toEqual({ endpoint: "http://REDACTED@h/", nested: [{ Password: "[REDACTED]", refresh_token: "[REDACTED]", keep: "k" }], apiKey: "" })
  })

  it("redacts secret-named pairs in text nobody reads as prose, and leaves prose and other pairs alone", () => {
    const text = 'failed: token=t0k-1 "Password":"pw-2" X-Api-Key: k-3 Authorization: Bearer b-4 at http://u:pw-5@h/x?access_token=q-6 route=getAgent'
    const shown = Secrets.redactFreeText(text)
    expect(shown).not.toMatch(/t0k-1|pw-2|k-3|b-4|pw-5|q-6/)
    expect(shown).toContain("Authorization: Bearer [REDACTED]")
    expect(shown).toContain('"Password":"[REDACTED]"')
    expect(shown).toContain("route=getAgent")
    expect(Secrets.redactFreeText("/v1/tenants/demo/agents/support_bot:evaluate")).toBe("/v1/tenants/demo/agents/support_bot:evaluate")
    // Prose keeps its words: redactText (summaries, errors shown to users) does not read pairs.
    expect(Secrets.redactText("Password: reset it from the login page")).toBe("Password: reset it from the login page")
  })

  it("finds a pair for every secret name and suffix, in any casing or separator style", () => {
    const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
    const names = [...Secrets.SECRET_KEY_NAMES, ...Secrets.SECRET_KEY_SUFFIXES.map((suffix) => `db${suffix}`)]
    for (const name of names) {
      for (const written of [name, name.toUpperCase(), camel(name), name.replaceAll("_", "-")]) {
        expect(Secrets.redactFreeText(`x ${written}=value-1 y`), written).toBe(`x ${written}=${Secrets.REDACTED} y`)
      }
    }
  })

  it("redacts known values wherever they appear (regular-expression characters and JSON escapes included)", () => {
    const odd = "k.e*y+w?i^t$h{r}e(g)e|x[p]s\\/-0123"
    const plain = "plain-secret-0123456789"
    const redact = Secrets.valueRedactor([odd, plain, "short"])
    expect(redact(`a ${odd} b ${plain}${plain} c short`)).toBe(`a ${Secrets.REDACTED} b ${Secrets.REDACTED}${Secrets.REDACTED} c short`)
    const clean = `nothing secret here: ${odd.slice(0, -1)} ${plain.toUpperCase()}`
    expect(redact(clean)).toBe(clean)
    const quoted = 'quote"and\\backslash-secret'
    const json = JSON.stringify({ apiKey: quoted, other: "x" })
    expect(JSON.parse(Secrets.jsonValueRedactor([quoted])(json))).toEqual({ apiKey: Secrets.REDACTED, other: "x" })
    expect(Secrets.valueRedactor(["short", ""])("short and empty")).toBe("short and empty")
  })

  it("finds the string values of secret keys at any depth", () => {
    const body = { candidateExternalConfig: { parameters: { endpoint: "http://h/", Api_Key: "a1", credentials: { user: "u1" } } }, list: [{ refreshToken: "r1" }] }
    expect(Secrets.secretValuesIn(body).sort()).toEqual(["a1", "r1", "u1"])
  })
})
