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
})
