/**
 * The per-endpoint decision that a body cannot hold a secret, which lets the
 * forwarder skip searching answers for echoed secrets: it must say "may"
 * wherever a secret-named key can appear (declared, under a record, inside
 * `unknown`, at any depth), and "cannot" only where none can.
 */
import { Endpoint, Endpoints } from "@fruxkit/core"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { bodyMayHoldSecrets, requestSecrets } from "./body-secrets.js"

const withBody = (body: Schema.Schema.Any | undefined) =>
  Endpoint.make({ name: "test", group: "Test", method: "POST", path: "/v1/test", summary: "test", retry: "creating", ...(body ? { body } : {}) } as never)

interface Tree {
  readonly name: string
  readonly children: ReadonlyArray<Tree>
}
const TreeSchema: Schema.Schema<Tree> = Schema.Struct({ name: Schema.String, children: Schema.Array(Schema.suspend(() => TreeSchema)) })

describe("bodyMayHoldSecrets", () => {
  it("says may for a declared secret key at any depth, a record, unknown, or a transformation that renames into one", () => {
    expect(bodyMayHoldSecrets(withBody(Schema.Struct({ apiKey: Schema.String })))).toBe(true)
    expect(bodyMayHoldSecrets(withBody(Schema.Struct({ items: Schema.Array(Schema.Struct({ auth: Schema.Struct({ password: Schema.String }) })) })))).toBe(true)
    expect(bodyMayHoldSecrets(withBody(Schema.Struct({ headers: Schema.Record({ key: Schema.String, value: Schema.String }) })))).toBe(true)
    expect(bodyMayHoldSecrets(withBody(Schema.Struct({ config: Schema.Unknown })))).toBe(true)
    expect(bodyMayHoldSecrets(withBody(Schema.Struct({ value: Schema.Union(Schema.Null, Schema.Struct({ refresh_token: Schema.String })) })))).toBe(true)
    expect(bodyMayHoldSecrets(withBody(Schema.Struct({ key: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("api_key")) })))).toBe(true)
  })

  it("says cannot for closed shapes of plain values, recursive ones included, and for no body", () => {
    expect(bodyMayHoldSecrets(withBody(Schema.Struct({ ids: Schema.Array(Schema.UUID), quality: Schema.Literal("GOOD", "BAD"), n: Schema.optional(Schema.Int) })))).toBe(false)
    expect(bodyMayHoldSecrets(withBody(TreeSchema))).toBe(false)
    expect(bodyMayHoldSecrets(withBody(undefined))).toBe(false)
  })

  it("reads the endpoint table: an external candidate's parameters may hold secrets, datasets' names may not", () => {
    expect(bodyMayHoldSecrets(Endpoints.evaluate)).toBe(true)
    expect(bodyMayHoldSecrets(Endpoints.addToDatasets)).toBe(false)
  })
})

describe("requestSecrets", () => {
  it("finds the secret values where a body may hold them, and finds none where it cannot", () => {
    const body = { candidateExternalConfig: { parameters: { endpoint: "http://127.0.0.1:9/", api_key: "sk-live-0123456789" } } }
    expect(requestSecrets(Endpoints.evaluate, { body })).toEqual(["sk-live-0123456789"])
    expect(requestSecrets(Endpoints.evaluate, { body: undefined })).toEqual([])
    expect(requestSecrets(Endpoints.addToDatasets, { body: { datasetIds: ["6f1c1a9e-7a53-4d7e-9a53-0a5e7c1d2b3f"], quality: "GOOD" } })).toEqual([])
  })

  it("does not read the body of a request whose body cannot hold a secret (one validated on its text stays unparsed)", () => {
    const reads = { count: 0 }
    const decoded = (body: unknown) => ({
      get body() {
        reads.count++
        return body
      }
    })
    expect(requestSecrets(Endpoints.addToDatasets, decoded({ quality: "GOOD" }))).toEqual([])
    expect(reads.count).toBe(0)
    expect(requestSecrets(Endpoints.evaluate, decoded({ candidateExternalConfig: { parameters: { api_key: "sk-live-0123456789" } } }))).toEqual(["sk-live-0123456789"])
    expect(reads.count).toBe(1)
  })
})
