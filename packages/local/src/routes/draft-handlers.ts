/**
 * Drafts and `draft:test`. The draft's ETag is its integer `version`.
 *
 * Choices where the contract is silent (README "Contract choices"):
 * - `draft:test` without `If-Match` → 428 (`/if-match-required`): a test must
 *   name the head it means to run. Stale → 409 (`/stale-draft`), nothing runs.
 * - `PUT …/draft` without `If-Match` when a draft exists → 428; the first
 *   save creates the draft whatever `If-Match` says (there is no version yet).
 * - What a head runs: see draft-head.ts.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { LocalContext } from "../LocalContext.js"
import { executeAndRecord } from "../runtime/agent-execution.js"
import { parseFlow } from "../runtime/flow-definition.js"
import * as DraftRepository from "../store/DraftRepository.js"
import * as FlowSecrets from "../store/FlowSecrets.js"
import { headParameters, ifMatchRequired, loadDraftHead } from "./draft-head.js"
import type { Handlers } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { loadAgent, loadRevision } from "./lookups.js"

/** JSON with sorted keys: "identical payload" means equal as JSON, whatever the key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v
  )

const versionMismatch = (current: number, sent: number) =>
  HttpProblem.of("Conflict", {
    type: "draft-version-mismatch",
    title: "Draft version mismatch",
    detail: `the draft is at version ${current}, If-Match named ${sent}`,
    extensions: { currentVersion: current }
  })

export const draftHandlers = (ctx: LocalContext): Handlers<"getDraft" | "saveDraft" | "testDraft"> => ({
  getDraft: async ({ path }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    await loadRevision(ctx, agent, path.revision)
    const draft = await ctx.store.run(DraftRepository.findDraft(agent.tenantId, agent.id, path.revision))
    return draft === undefined ? null : FlowSecrets.shown(draft)
  },

  saveDraft: async ({ path, body, ifMatch }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    const revision = await loadRevision(ctx, agent, path.revision)
    if ("flow" in body.headData) {
      const flow = parseFlow(body.headData.flow, "body.headData.flow")
      if (Either.isLeft(flow)) throw HttpProblem.invalid(flow.left)
    }
    const parameters = headParameters(body.headData, "body.headData")
    if (Either.isLeft(parameters)) throw HttpProblem.invalid(parameters.left)
    const saved = await ctx.store.transaction(
      Effect.gen(function* () {
        const now = Date.now()
        const existing = yield* DraftRepository.findDraft(agent.tenantId, agent.id, path.revision)
        if (existing && ifMatch === undefined) {
          return yield* Effect.fail(ifMatchRequired(`the draft exists (version ${existing.version}): send If-Match with its version`))
        }
        if (existing && ifMatch !== existing.version) return yield* Effect.fail(versionMismatch(existing.version, ifMatch!))
        // Secrets sealed; one sent back as shown keeps what is stored there (the head's, else the base revision's flow or parameters).
        const stored = { flow: revision.flow, parametersMetadata: revision.parametersMetadata, ...existing?.headData }
        const sealed = FlowSecrets.seal(ctx.secrets, body.headData, stored, "body.headData")
        if (Either.isLeft(sealed)) return yield* Effect.fail(HttpProblem.invalid(sealed.left))
        const headData = sealed.right as Readonly<Record<string, unknown>>
        if (!existing) return yield* DraftRepository.insertDraft(agent.tenantId, agent.id, path.revision, headData, now)
        if (canonical(existing.headData) === canonical(headData)) return existing
        const updated = yield* DraftRepository.updateDraft(agent.tenantId, agent.id, path.revision, existing.version, headData, now)
        return updated ?? (yield* Effect.fail(versionMismatch(existing.version + 1, existing.version)))
      })
    )
    return FlowSecrets.shown(saved)
  },

  testDraft: async ({ path, body, ifMatch, key }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    const revision = await loadRevision(ctx, agent, path.revision)
    if (ifMatch === undefined) {
      throw ifMatchRequired("draft:test runs the draft head named by If-Match (the draft's version); none was sent, nothing ran")
    }
    const head = await loadDraftHead(ctx, agent, revision, ifMatch, "nothing ran")
    return executeAndRecord(ctx, {
      tenant: agent.tenantId,
      agentId: agent.id,
      agentRevision: path.revision,
      flow: head.flow,
      parameters: body.parameters ?? {},
      sessionId: body.sessionId,
      environmentSlug: body.environmentSlug,
      mode: body.mode,
      key
    })
  }
})
