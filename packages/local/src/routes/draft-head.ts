/**
 * The draft head a request acts on (`draft:test`, `draft:evaluate`, a
 * revision made from a draft), checked the same way for all three: the
 * version `If-Match` names must be the head's, or nothing happens.
 *
 * A draft's `headData.flow`, when present, is the flow the head runs;
 * without it the base revision's flow runs. `headData.parametersMetadata`,
 * when present, likewise replaces the base revision's parameters.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import {
  NewParametersMetadata,
  RequestDecoding,
  completeParametersMetadata,
  type Agent,
  type AgentDraft,
  type AgentRevision,
  type FieldError,
  type ParameterMetadata
} from "@fruxkit/core"
import type { LocalContext } from "../LocalContext.js"
import { parseFlow, type FlowDefinition } from "../runtime/flow-definition.js"
import * as DraftRepository from "../store/DraftRepository.js"
import * as FlowSecrets from "../store/FlowSecrets.js"
import { HttpProblem } from "./HttpProblem.js"

export const ifMatchRequired = (detail: string): HttpProblem =>
  HttpProblem.of("InvalidRequest", { status: 428, type: "if-match-required", title: "If-Match required", detail })

/** The problem `draft:test` answers for a head that moved on; `draft:evaluate` and revisions-from-draft answer the same. */
export const staleDraft = (sent: number, current: number, outcome: string): HttpProblem =>
  HttpProblem.of("StaleDraft", {
    title: "Stale draft",
    detail: `If-Match named version ${sent} but the draft head is at version ${current}; ${outcome}`,
    extensions: { currentVersion: current }
  })

export interface DraftHead {
  readonly draft: AgentDraft
  /** The flow the head runs (its own, or the base revision's). */
  readonly flow: FlowDefinition
  /** The same flow as it is stored (secrets sealed), for storing a copy. */
  readonly flowJson: Readonly<Record<string, unknown>>
  /** The head's parameters (its own, or the base revision's) as stored: secret defaults sealed. */
  readonly parametersMetadata: ReadonlyArray<ParameterMetadata>
}

/**
 * Loads the draft forked from `revision` and checks it is at `version`
 * (`undefined`: any version; callers that require If-Match check first).
 */
export const loadDraftHead = async (
  ctx: LocalContext,
  agent: Agent,
  revision: AgentRevision,
  version: number | undefined,
  outcome: string
): Promise<DraftHead> => {
  const draft = await ctx.store.run(DraftRepository.findDraft(agent.tenantId, agent.id, revision.agentRevision))
  if (!draft) throw HttpProblem.notFound("Draft", `revision ${revision.agentRevision} of agent "${agent.id}" has no draft`)
  if (version !== undefined && draft.version !== version) throw staleDraft(version, draft.version, outcome)
  const flowJson = (
    "flow" in draft.headData && draft.headData.flow !== null && typeof draft.headData.flow === "object"
      ? draft.headData.flow
      : revision.flow
  ) as Readonly<Record<string, unknown>>
  const flow = parseFlow(FlowSecrets.open(ctx.secrets, flowJson))
  if (Either.isLeft(flow)) {
    throw HttpProblem.of("InvalidRequest", {
      status: 422,
      type: "invalid-flow",
      title: "The draft's flow cannot run",
      extensions: { errors: flow.left }
    })
  }
  // Read as stored: a secret parameter's default stays sealed (a revision made from the head copies it so).
  const parameters = headParameters(draft.headData, "headData")
  if (Either.isLeft(parameters)) {
    throw HttpProblem.of("InvalidRequest", {
      status: 422,
      type: "invalid-draft",
      title: "The draft's parameters cannot be read",
      extensions: { errors: parameters.left }
    })
  }
  return { draft, flow: flow.right, flowJson, parametersMetadata: parameters.right ?? revision.parametersMetadata }
}

/**
 * The head's `headData.parametersMetadata` checked against core's schema
 * (`undefined` when the head has none). `saveDraft` refuses a head whose
 * list does not decode, so a stored one always does.
 */
export const headParameters = (
  headData: Readonly<Record<string, unknown>>,
  prefix: string
): Either.Either<Array<ParameterMetadata> | undefined, Array<FieldError>> => {
  if (!("parametersMetadata" in headData) || headData.parametersMetadata === null) return Either.right(undefined)
  return Either.mapBoth(Schema.decodeUnknownEither(NewParametersMetadata, { errors: "all", onExcessProperty: "error" })(headData.parametersMetadata), {
    onLeft: (error) => RequestDecoding.fieldErrorsOf(`${prefix}.parametersMetadata`, error),
    onRight: completeParametersMetadata
  })
}
