/**
 * The flow of an agent revision, as the local backend runs it (documented in
 * the README). The API treats `flow` as free-form JSON; this is the one
 * place that gives it meaning:
 *
 *   { "steps": [ { "type": "template" | "llm" | "http" | "external" | "group", … } ], "output"?: "{{last}}" }
 *
 * A `group` holds steps of its own (`{ "type": "group", "name": …, "steps": [ … ] }`),
 * run in order as part of the flow and traced as one step with inner steps.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { RequestDecoding, type FieldError } from "@fruxkit/core"

const StepBase = {
  id: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z][A-Za-z0-9_]{0,63}$/))),
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
}

export const TemplateStep = Schema.Struct({
  ...StepBase,
  type: Schema.Literal("template"),
  template: Schema.String.pipe(Schema.maxLength(100_000))
})

export const LlmStep = Schema.Struct({
  ...StepBase,
  type: Schema.Literal("llm"),
  system: Schema.optional(Schema.String.pipe(Schema.maxLength(100_000))),
  prompt: Schema.String.pipe(Schema.maxLength(100_000)),
  model: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  temperature: Schema.optional(Schema.Number.pipe(Schema.between(0, 2)))
})

export const HttpStep = Schema.Struct({
  ...StepBase,
  type: Schema.Literal("http"),
  url: Schema.String.pipe(Schema.pattern(/^https?:\/\//)),
  /** Used in SANDBOX mode; without it SANDBOX falls back to `url` (the production variant). */
  sandboxUrl: Schema.optional(Schema.String.pipe(Schema.pattern(/^https?:\/\//))),
  method: Schema.optional(Schema.Literal("GET", "POST")),
  body: Schema.optional(Schema.Unknown),
  timeoutMs: Schema.optional(Schema.Int.pipe(Schema.between(1, 300_000))),
  /** Dotted path into a JSON reply (`data.answer`); the whole body when absent. */
  resultPath: Schema.optional(Schema.String)
})

const ExternalParameter = Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Null)

export const ExternalStep = Schema.Struct({
  ...StepBase,
  type: Schema.Literal("external"),
  parameters: Schema.Record({ key: Schema.String, value: ExternalParameter })
})

export type LeafStep = typeof TemplateStep.Type | typeof LlmStep.Type | typeof HttpStep.Type | typeof ExternalStep.Type

export interface GroupStep {
  readonly type: "group"
  readonly id?: string | undefined
  readonly name?: string | undefined
  readonly steps: ReadonlyArray<FlowStep>
}
export type FlowStep = LeafStep | GroupStep

export const GroupStep: Schema.Schema<GroupStep> = Schema.Struct({
  ...StepBase,
  type: Schema.Literal("group"),
  steps: Schema.Array(Schema.suspend((): Schema.Schema<FlowStep> => FlowStep)).pipe(Schema.minItems(1), Schema.maxItems(64))
})

export const FlowStep: Schema.Schema<FlowStep> = Schema.Union(TemplateStep, LlmStep, HttpStep, ExternalStep, GroupStep)
export type ExternalStep = typeof ExternalStep.Type

export const FlowDefinition = Schema.Struct({
  steps: Schema.Array(FlowStep).pipe(Schema.minItems(1), Schema.maxItems(64)),
  output: Schema.optional(Schema.String)
})
export type FlowDefinition = typeof FlowDefinition.Type

/**
 * Parse a revision's `flow`; the field errors name `prefix.steps[0].type`
 * etc. and what was expected, never the value sent (a flow holds secrets).
 */
export const parseFlow = (
  flow: unknown,
  prefix = "flow"
): Either.Either<FlowDefinition, ReadonlyArray<FieldError>> =>
  Either.mapLeft(Schema.decodeUnknownEither(FlowDefinition, { errors: "all", onExcessProperty: "error" })(flow), (error) =>
    RequestDecoding.fieldErrorsOf(prefix, error)
  )

/** An externally hosted agent as a one-step flow (`candidateExternalConfig`). */
export const externalAgentFlow = (parameters: ExternalStep["parameters"]): FlowDefinition => ({
  steps: [{ type: "external", id: "external_agent", name: "External agent", parameters }]
})
