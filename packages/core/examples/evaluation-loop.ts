// The loop in twenty lines, with Promises: test the draft, curate the execution
// into the golden dataset, evaluate revision 2 against the deployed one while
// watching it, read the per-sample results.
import { createFruxonClient, type EvaluationRun } from "@fruxkit/core"

export async function main(baseUrl = process.env.FRUXKIT_URL ?? "http://127.0.0.1:8787", token = process.env.FRUXKIT_API_KEY) {
  const client = createFruxonClient({ baseUrl, token })
  const agent = { tenant: "demo", agent: "support_bot" }
  try {
    const draft = await client.getDraft({ ...agent, revision: 2 })
    if (draft === null) throw new Error("revision 2 has no draft")
    const test = await client.testDraft({ ...agent, revision: 2, ifMatch: draft.version, body: { parameters: { question: "Where is my order?" } } })
    const golden = (await client.listDatasets(agent)).find((dataset) => dataset.name === "golden")!
    const curated = await client.addToDatasets({
      ...agent, executionRecord: test.executionRecordId, dedupe: true,
      body: { datasetIds: [golden.id], quality: "GOOD", tags: ["example"] }
    })
    const started = await client.evaluate({ ...agent, body: { candidateRevision: 2, datasetId: golden.id } })
    let finished: EvaluationRun = started
    for await (const run of client.watchEvaluationRun({ ...agent, evaluationRun: started.id }, { initial: started })) {
      console.log(run.status, run.progress ? `${run.progress.completedSamples}/${run.progress.totalSamples}` : "")
      finished = run
    }
    const scores: Array<number> = []
    for await (const sample of client.listEvaluationRunSamples({ ...agent, evaluationRun: finished.id })) {
      scores.push(sample.llmEvaluation?.score ?? 0)
    }
    console.log(`${finished.status}: score ${finished.score}, ${scores.length} samples, ${finished.deploymentRecommendation}`)
    return { created: curated.created.length, status: finished.status, samples: scores.length }
  } finally {
    await client.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
