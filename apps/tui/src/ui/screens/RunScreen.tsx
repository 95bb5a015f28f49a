/**
 * One evaluation run: a live progress bar while it runs; when it ends, the
 * summary (score, recommendation, distributions, runtime and cost base vs
 * candidate, concerns and improvements) and, on Tab, the per-sample table.
 */
import { useState } from "react"
import { Box, Text } from "ink"
import { isTerminalRunStatus, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { BarChart } from "../components/BarChart.js"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { ProgressBar } from "../components/ProgressBar.js"
import { SelectList, moveSelection } from "../components/SelectList.js"
import { Spinner } from "../components/Spinner.js"
import { Command } from "../keys/bindings.js"
import { useCommands, type Handlers } from "../keys/useCommands.js"
import { take, useLoad } from "../hooks/useLoad.js"
import { useRunWatch } from "../hooks/useRunWatch.js"
import { useApi } from "../state/ApiContext.js"
import { useNavigation } from "../state/NavigationContext.js"
import { runProgress } from "../../run-progress.js"
import { sortSamples, regressionOf, type SampleOrder } from "../../sample-ranking.js"
import { describeError, type Failure } from "../../describe-error.js"
import { formatCost, formatDuration, formatScore, oneLine, pad, shortId, truncate } from "../../format-units.js"

/** Enough for any dataset a terminal table is useful for; paging stops there. */
export const MAX_SAMPLES = 1000

export const RunScreen = ({ agentId, runId, initial }: { readonly agentId: string; readonly runId: string; readonly initial?: EvaluationRun | undefined }) => {
  const { client, tenant, label } = useApi()
  const navigation = useNavigation()
  const watch = useRunWatch(agentId, runId, initial)
  const run = watch.run
  const finished = run !== undefined && isTerminalRunStatus(run.status)
  const samples = useLoad(
    (signal) =>
      finished
        ? take(client.listEvaluationRunSamples({ tenant, agent: agentId, evaluationRun: runId }, { signal }), MAX_SAMPLES)
        : Promise.resolve([] as Array<EvaluationRunSampleResult>),
    [client, tenant, agentId, runId, finished]
  )
  const [view, setView] = useState<"summary" | "samples">("summary")
  const [order, setOrder] = useState<SampleOrder>("score")
  const [selected, setSelected] = useState(0)
  const [cancelFailure, setCancelFailure] = useState<Failure | undefined>(undefined)
  const sorted = sortSamples(samples.value ?? [], order)

  const cancel = async () => {
    try {
      await client.cancelEvaluationRun({ tenant, agent: agentId, evaluationRun: runId })
    } catch (error) {
      setCancelFailure(describeError(error))
    }
  }
  const handlers: Handlers = {
    ...(finished ? { [Command.NextSection]: () => setView((v) => (v === "summary" ? "samples" : "summary")) } : {}),
    ...(!finished && run ? { [Command.CancelRun]: () => void cancel() } : {}),
    ...(watch.failure ? { [Command.Reload]: watch.retry } : {}),
    ...(view === "samples" && finished
      ? {
          [Command.Up]: () => setSelected((s) => moveSelection(s, -1, sorted.length)),
          [Command.Down]: () => setSelected((s) => moveSelection(s, 1, sorted.length)),
          [Command.Sort]: () => setOrder((o) => (o === "score" ? "regression" : "score")),
          [Command.Open]: () => {
            const sample = sorted[selected]
            if (sample) navigation.push({ screen: "sample", agentId, runId, sampleIndex: sample.sampleIndex })
          }
        }
      : {})
  }
  useCommands(handlers)

  return (
    <Frame title={`${agentId} · run ${shortId(runId)}${run ? ` · ${run.status}` : ""}`} status={label}>
      {watch.failure ? <ProblemView failure={watch.failure} hint="R watch again · Esc back" /> : null}
      {cancelFailure ? <ProblemView failure={cancelFailure} /> : null}
      {!run && !watch.failure ? <Spinner label="Loading the run…" /> : null}
      {run ? <RunHeader run={run} now={watch.now} firstSeenAt={watch.firstSeenAt} /> : null}
      {run && finished && view === "summary" ? <Summary run={run} /> : null}
      {run && finished && view === "samples" ? (
        samples.status === "failed" ? (
          <ProblemView failure={samples.failure} />
        ) : (
          <SampleTable samples={sorted} order={order} selected={selected} />
        )
      ) : null}
    </Frame>
  )
}

const RunHeader = ({ run, now, firstSeenAt }: { readonly run: EvaluationRun; readonly now: number; readonly firstSeenAt: number }) => {
  const size = useBodySize()
  const candidate = run.candidateRevision !== null ? `rev ${run.candidateRevision}` : "external/draft"
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {`candidate ${candidate} vs deployed rev ${run.deployedRevision ?? "?"} · `}
        <Text bold>{run.status}</Text>
        {run.status === "COMPLETED" || run.score !== null ? `  score ${formatScore(run.score)}` : ""}
        {run.deploymentRecommendation ? `  → ${run.deploymentRecommendation}` : ""}
      </Text>
      <ProgressBar progress={runProgress(run, now, firstSeenAt)} width={size.columns} />
      {run.errorMessage ? <Text color="red" wrap="truncate">{run.errorMessage}</Text> : null}
    </Box>
  )
}

const Summary = ({ run }: { readonly run: EvaluationRun }) => {
  const size = useBodySize()
  const summary = run.summary
  if (!summary) return <Text dimColor>No summary (the run ended without one).</Text>
  const half = Math.floor((size.columns - 2) / 2)
  const listRows = Math.max(1, Math.floor((size.rows - 14) / 1))
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {`samples ${summary.totalSamples} · evaluated ${summary.successfulEvaluations} · failed ${summary.failedEvaluations} · avg judge score ${formatScore(summary.averageLlmScore)}`}
      </Text>
      <Box>
        <Box width={half} flexDirection="column">
          <BarChart title="Score distribution" counts={summary.scoreDistribution} width={half - 1} />
        </Box>
        <Box width={half} flexDirection="column">
          <BarChart title="Assessments" counts={summary.assessmentDistribution} width={half - 1} order={(a, b) => (summary.assessmentDistribution[b] ?? 0) - (summary.assessmentDistribution[a] ?? 0)} />
        </Box>
      </Box>
      <Text wrap="truncate">
        {summary.runtime
          ? `runtime  base ${formatDuration(summary.runtime.totalBaseMs)} (avg ${formatDuration(summary.runtime.averageBaseMs)})  candidate ${formatDuration(summary.runtime.totalCandidateMs)} (avg ${formatDuration(summary.runtime.averageCandidateMs)})`
          : "runtime  —"}
      </Text>
      <Text wrap="truncate">
        {summary.cost
          ? `cost     base ${formatCost(summary.cost.totalBase)} (avg ${formatCost(summary.cost.averageBase)})  candidate ${formatCost(summary.cost.totalCandidate)} (avg ${formatCost(summary.cost.averageCandidate)})`
          : "cost     —"}
      </Text>
      <Box>
        <Box width={half} flexDirection="column">
          <Text bold color="red">Top concerns</Text>
          {summary.topConcerns.length === 0 ? <Text dimColor>(none)</Text> : null}
          {summary.topConcerns.slice(0, listRows).map((c, i) => (
            <Text key={i} wrap="truncate">{`• ${truncate(oneLine(c), half - 3)}`}</Text>
          ))}
        </Box>
        <Box width={half} flexDirection="column">
          <Text bold color="green">Key improvements</Text>
          {summary.keyImprovements.length === 0 ? <Text dimColor>(none)</Text> : null}
          {summary.keyImprovements.slice(0, listRows).map((c, i) => (
            <Text key={i} wrap="truncate">{`• ${truncate(oneLine(c), half - 3)}`}</Text>
          ))}
        </Box>
      </Box>
      <Text dimColor>Tab: per-sample table</Text>
    </Box>
  )
}

export const sampleRow = (sample: EvaluationRunSampleResult, width: number): string => {
  const judge = sample.llmEvaluation
  const system = sample.systemEvaluation
  const regression = regressionOf(sample)
  const delta = Number.isFinite(regression) ? `${regression >= 0 ? "+" : ""}${(regression * 100).toFixed(0)}%` : "FAILED"
  const fixed = `#${String(sample.sampleIndex).padEnd(3)} ${formatScore(judge?.score).padEnd(5)} ${pad(judge?.overallAssessment ?? "—", 14)} ${delta.padStart(7)} ${formatDuration(system?.baseRuntimeMs ?? 0).padStart(6)}→${formatDuration(system?.candidateRuntimeMs ?? 0).padEnd(6)} `
  return fixed + truncate(oneLine(judge?.summary ?? ""), Math.max(0, width - fixed.length - 2))
}

const SampleTable = ({ samples, order, selected }: { readonly samples: ReadonlyArray<EvaluationRunSampleResult>; readonly order: SampleOrder; readonly selected: number }) => {
  const size = useBodySize()
  return (
    <Box flexDirection="column">
      <Text bold>{`Samples by ${order === "score" ? "score (lowest first)" : "regression (worst first)"} · s to sort by ${order === "score" ? "regression" : "score"}`}</Text>
      <Text dimColor wrap="truncate">{`  ${"#".padEnd(4)} ${"score".padEnd(5)} ${"assessment".padEnd(14)} ${"Δ".padStart(7)} ${"base→cand".padEnd(13)} summary`}</Text>
      <SelectList items={samples} selected={selected} height={size.rows - 5} width={size.columns} render={(s) => sampleRow(s, size.columns - 2)} empty="No samples." />
    </Box>
  )
}
