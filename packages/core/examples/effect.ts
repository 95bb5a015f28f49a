// The same client as an Effect service: typed errors per method, a Stream of
// every item of a paged list, a Stream of a run's progress.
import { Effect, Stream } from "effect"
import { FruxonClient } from "@fruxkit/core"

export const program = Effect.gen(function* () {
  const client = yield* FruxonClient.FruxonClient
  const agent = { tenant: "demo", agent: "support_bot" }
  const started = yield* client.evaluate({ ...agent, body: { candidateRevision: 2 } })
  const steps = yield* client.watchEvaluationRun({ ...agent, evaluationRun: started.id }, { initial: started }).pipe(
    Stream.tap((run) => Effect.log(`${run.status} ${run.progress?.completedSamples ?? 0}/${run.progress?.totalSamples ?? "?"}`)),
    Stream.runCollect
  )
  const samples = yield* Stream.runCount(client.listEvaluationRunSamples({ ...agent, evaluationRun: started.id }))
  const missing = yield* client.getAgent({ ...agent, agent: "no_such_agent" }).pipe(
    Effect.as("found"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(`not found (${error.status})`))
  )
  return { steps: steps.length, samples, missing }
})

export const main = (baseUrl = process.env.FRUXKIT_URL ?? "http://127.0.0.1:8787", token = process.env.FRUXKIT_API_KEY) =>
  Effect.runPromise(program.pipe(Effect.provide(FruxonClient.layerFetch({ baseUrl, token }))))

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main())
