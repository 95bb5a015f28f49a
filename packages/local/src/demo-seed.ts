/**
 * The demo data (`seed: "demo"`, only into a new data dir): tenant `demo`,
 * agent `support_bot` with revision 1 deployed and revision 2 as the
 * candidate, a draft on revision 2, a `golden` dataset of 10 samples and a
 * dozen execution records. Everything runs on the offline model, so a fresh
 * machine with no network gets real traces and a working evaluation.
 *
 * The story it tells: revision 2 answers in a friendlier, complete way (the
 * golden set's reviewed answers are written so), which improves most
 * samples; but its new "Add product context" step puts a sentence about
 * broken devices into every prompt, and for the three questions whose topic
 * the model ranks below warranties (deleting an account, pricing,
 * languages) it now answers about the warranty. Those three regress, with
 * the reason in plain sight in the outputs and in the trace (the step sits
 * in a group, so the trace has something to expand). Evaluating a revision
 * against itself finds every sample equivalent, and the verdict says why that
 * is no reason to deploy.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { LocalContext } from "./LocalContext.js"
import { executeAndRecord } from "./runtime/agent-execution.js"
import { offlineAnswer } from "./runtime/ChatModel.js"
import { parseFlow } from "./runtime/flow-definition.js"
import * as AgentRepository from "./store/AgentRepository.js"
import * as DatasetRepository from "./store/DatasetRepository.js"
import * as DraftRepository from "./store/DraftRepository.js"
import * as ExecutionRecordRepository from "./store/ExecutionRecordRepository.js"
import * as SampleRepository from "./store/SampleRepository.js"

export const DEMO_TENANT = "demo"
export const DEMO_AGENT = "support_bot"

export const demoRevisionOneFlow = {
  steps: [
    { type: "template", id: "question", name: "Normalise question", template: "{{question}}" },
    { type: "llm", id: "answer", name: "Answer", system: "You are Acme's support bot. Be concise.", prompt: "{{steps.question}}" }
  ]
}

export const demoRevisionTwoFlow = {
  steps: [
    {
      type: "group",
      id: "understand",
      name: "Understand the question",
      steps: [
        { type: "template", id: "question", name: "Normalise question", template: "{{question}}" },
        {
          type: "template",
          id: "context",
          name: "Add product context",
          template: "Context: customers often ask whether a broken device is covered."
        }
      ]
    },
    {
      type: "llm",
      id: "answer",
      name: "Answer",
      system: "You are Acme's support bot. Be friendly and complete.",
      prompt: "{{steps.question}}\n{{steps.context}}"
    }
  ]
}

/** The golden set's answers as a reviewer wrote them: friendly and complete, on the question's own topic. */
export const reviewedAnswer = (question: string): string => offlineAnswer("Be friendly and complete.", question, 0)

export const DEMO_QUESTIONS = [
  "How do I get a refund for my order?",
  "I forgot my password, how can I log in?",
  "How long does shipping take?",
  "How do I cancel my subscription?",
  "Where can I find my invoice?",
  "What are your support hours?",
  "My device is broken, is it under warranty?",
  "How do I delete my account and data?",
  "How much does the pro plan cost?",
  "Which languages does the app support?"
]

const flowOf = (flow: unknown) => {
  const parsed = parseFlow(flow)
  if (Either.isLeft(parsed)) throw new Error("demo flow is invalid")
  return parsed.right
}

/**
 * Idempotent: each part is added only when missing, so a seed interrupted by
 * a crash is completed by the next start (LocalBackend keeps a marker file
 * until the seed has finished).
 */
export const seedDemo = async (ctx: LocalContext): Promise<void> => {
  const now = Date.now()
  const parametersMetadata = [
    {
      name: "question",
      type: "string",
      displayName: "Question",
      description: "The customer's question",
      required: true,
      secret: false,
      defaultValue: null
    }
  ]
  await ctx.store.transaction(
    Effect.gen(function* () {
      yield* AgentRepository.ensureTenant(DEMO_TENANT, now)
      yield* AgentRepository.ensureAgent({
        tenant: DEMO_TENANT,
        id: DEMO_AGENT,
        displayName: "Support bot",
        description: "Answers Acme customers' support questions (demo data).",
        tags: ["demo", "support"],
        now
      })
      if ((yield* AgentRepository.listRevisions(DEMO_TENANT, DEMO_AGENT, 1)).length === 0) {
        yield* AgentRepository.insertRevision(
          { tenant: DEMO_TENANT, agentId: DEMO_AGENT, comment: "Concise answers", parametersMetadata, flow: demoRevisionOneFlow, now },
          1
        )
        yield* AgentRepository.insertRevision(
          { tenant: DEMO_TENANT, agentId: DEMO_AGENT, comment: "Friendly, complete answers", parametersMetadata, flow: demoRevisionTwoFlow, now },
          1
        )
        yield* AgentRepository.setCurrentRevision(DEMO_TENANT, DEMO_AGENT, 1, now)
      }
      if (!(yield* DraftRepository.findDraft(DEMO_TENANT, DEMO_AGENT, 2))) {
        yield* DraftRepository.insertDraft(
          DEMO_TENANT,
          DEMO_AGENT,
          2,
          { flow: demoRevisionTwoFlow, note: "Work in progress on revision 2" },
          now
        )
      }
    })
  )
  const golden =
    (await ctx.store.run(DatasetRepository.findDatasetByName(DEMO_TENANT, DEMO_AGENT, "golden"))) ??
    (await ctx.store.run(
      DatasetRepository.insertDataset({
        id: randomUUID(),
        tenant: DEMO_TENANT,
        agentId: DEMO_AGENT,
        name: "golden",
        description: "Reviewed answers to the most common questions",
        now
      })
    ))
  // Production traffic on revision 1 …
  const production = await ctx.store.run(
    ExecutionRecordRepository.listExecutions(DEMO_TENANT, DEMO_AGENT, { agentRevision: 1 }, { size: 10, skip: 0, cursor: undefined })
  )
  for (const question of DEMO_QUESTIONS.slice(production.totalCount, 2)) {
    await executeAndRecord(ctx, {
      tenant: DEMO_TENANT,
      agentId: DEMO_AGENT,
      agentRevision: 1,
      flow: flowOf(demoRevisionOneFlow),
      parameters: { question },
      sessionId: undefined,
      environmentSlug: "production",
      mode: "PRODUCTION"
    })
  }
  // … and draft tests of revision 2 whose answers were reviewed into the golden set (a reviewer corrects an answer
  // that went off topic: the sample keeps the execution it came from, with the answer it should have given).
  const present = (await ctx.store.run(DatasetRepository.findDataset(DEMO_TENANT, DEMO_AGENT, golden.id)))?.sampleCount ?? 0
  for (const question of DEMO_QUESTIONS.slice(present)) {
    const tested = await executeAndRecord(ctx, {
      tenant: DEMO_TENANT,
      agentId: DEMO_AGENT,
      agentRevision: 2,
      flow: flowOf(demoRevisionTwoFlow),
      parameters: { question },
      sessionId: undefined,
      environmentSlug: undefined,
      mode: "SANDBOX"
    })
    const execution = await ctx.store.run(ExecutionRecordRepository.findExecution(DEMO_TENANT, DEMO_AGENT, tested.executionRecordId))
    if (!execution) throw new Error("demo seed lost an execution record")
    const sampleId = randomUUID()
    const at = Date.now()
    await ctx.store.transaction(
      SampleRepository.insertSample({
        id: sampleId,
        tenantId: DEMO_TENANT,
        agentId: DEMO_AGENT,
        datasetId: golden.id,
        executionId: execution.id,
        inputPayload: execution.parameters,
        output: reviewedAnswer(question),
        agentRevision: execution.agentRevision,
        quality: "GOOD",
        isGolden: true,
        createdBy: "demo-seed",
        createdAt: at,
        modifiedAt: at,
        tags: [{ id: randomUUID(), tenantId: DEMO_TENANT, sampleId, tag: "demo", sample: null }]
      })
    )
  }
}
