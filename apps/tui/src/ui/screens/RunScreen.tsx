/**
 * One evaluation run: a live progress bar while it runs; when it ends, the
 * summary (score, recommendation, distributions, runtime and cost base vs
 * candidate, concerns and improvements) and, on Tab, the per-sample table.
 */
import { useRef, useState } from "react"
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
import { useDraftRunActions } from "../components/DraftRunActions.js"
import { useRevisionDeploy } from "../components/RevisionDeploy.js"
import { isTransient } from "../../commands/transient-runs.js"
import { useApi } from "../state/ApiContext.js"
import { useNavigation } from "../state/NavigationContext.js"
import { runProgress, type RunProgress } from "../../run-progress.js"
import { sampleCountsLine } from "../../sample-counts.js"
import { wrapText } from "../../wrap-text.js"
import { sortSamples, regressionText, type SampleOrder } from "../../sample-ranking.js"
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
  const [scroll, setScroll] = useState(0)
  const maxScroll = useRef(0)
  // The dataset's name for the header (a remote Fruxon may not serve fruxkit's dataset endpoints: then its id).
  const dataset = useLoad(
    (signal) => (run?.datasetId ? client.getDataset({ tenant, agent: agentId, dataset: run.datasetId }, { signal }).then((d) => d.name, () => undefined) : Promise.resolve(undefined)),
    [client, tenant, agentId, run?.datasetId]
  )
  const [cancelFailure, setCancelFailure] = useState<Failure | undefined>(undefined)
  const sorted = sortSamples(samples.value ?? [], order)

  const cancel = async () => {
    try {
      await client.cancelEvaluationRun({ tenant, agent: agentId, evaluationRun: runId })
    } catch (error) {
      setCancelFailure(describeError(error))
    }
  }
  const draftActions = useDraftRunActions(agentId, run)
  const revisionDeploy = useRevisionDeploy(agentId, run)
  const handlers: Handlers = {
    ...draftActions.handlers,
    ...revisionDeploy.handlers,
    ...(finished ? { [Command.NextSection]: () => setView((v) => (v === "summary" ? "samples" : "summary")) } : {}),
    ...(!finished && run ? { [Command.CancelRun]: () => void cancel() } : {}),
    ...(watch.failure ? { [Command.Reload]: watch.retry } : {}),
    ...(view === "summary" && finished
      ? {
          [Command.Up]: () => setScroll((n) => Math.max(0, n - 1)),
          [Command.Down]: () => setScroll((n) => Math.min(maxScroll.current, n + 1))
        }
      : {}),
    ...(view === "samples" && finished
      ? {
          [Command.Up]: () => setSelected((s) => moveSelection(s, -1, sorted.length)),
          [Command.Down]: () => setSelected((s) => moveSelection(s, 1, sorted.length)),
          [Command.Sort]: () => setOrder((o) => (o === "score" ? "regression" : "score")),
          [Command.Open]: () => {
            const sample = sorted[selected]
            if (sample) navigation.push({ screen: "sample", agentId, runId, sampleIndex: sample.sampleIndex, order })
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
      {run ? <RunHeader run={run} now={watch.now} firstSeenAt={watch.firstSeenAt} datasetName={dataset.value} /> : null}
      {draftActions.panel}
      {revisionDeploy.panel}
      {run && finished && view === "summary" ? <Summary run={run} scroll={scroll} maxScroll={maxScroll} /> : null}
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

/** What the header says about the candidate: a revision, or a transient run (external agent or draft). */
export const candidateText = (run: EvaluationRun): string =>
  run.candidateRevision !== null
    ? `rev ${run.candidateRevision}`
    : run.candidateSnapshotSeqNo !== null && run.candidateSnapshotSeqNo !== undefined && run.candidateBaseRevision !== null
      ? `draft of rev ${run.candidateBaseRevision}`
      : "external agent"

const RunHeader = ({ run, now, firstSeenAt, datasetName }: { readonly run: EvaluationRun; readonly now: number; readonly firstSeenAt: number; readonly datasetName: string | undefined }) => {
  const size = useBodySize()
  // The server's clock decides the end and the client's the ticks in between: never let the figure go back.
  const progress = useMonotonicElapsed(runProgress(run, now, firstSeenAt))
  const dataset = datasetName ?? (run.datasetId ? shortId(run.datasetId) : "all datasets")
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {`${candidateText(run)} vs deployed rev ${run.deployedRevision ?? "?"} · dataset ${dataset} · `}
        <Text bold>{run.status}</Text>
        {run.status === "COMPLETED" || run.score !== null ? ` · score ${formatScore(run.score)}` : ""}
      </Text>
      {run.deploymentRecommendation ? (
        <Text bold color={recommendationColor(run.deploymentRecommendation)} wrap="wrap">{`→ ${run.deploymentRecommendation}`}</Text>
      ) : null}
      <ProgressBar progress={progress} width={size.columns} />
      <Text dimColor wrap="truncate">{`run ${run.id}`}</Text>
      {isTransient(run) ? <Text color="yellow" wrap="wrap">{TRANSIENT_NOTE}</Text> : null}
      {run.errorMessage ? <Text color="red" wrap="wrap">{run.errorMessage}</Text> : null}
    </Box>
  )
}

/** The contract's persistence gate, said where the run is shown: without a candidate revision nothing is kept. */
export const TRANSIENT_NOTE = "Transient run: not kept in history; readable while the backend that runs it is up (Recent runs lists it this session)."

const recommendationColor = (recommendation: string) =>
  recommendation === "DEPLOY" ? "green" : recommendation.startsWith("DO_NOT") ? "red" : "yellow"

/** Elapsed time that never goes back (the last poll's server clock can be behind the ticks shown before it). */
const useMonotonicElapsed = (progress: RunProgress): RunProgress => {
  const shown = useRef(0)
  shown.current = Math.max(shown.current, progress.elapsedMs)
  return { ...progress, elapsedMs: shown.current }
}

/**
 * The finished run's summary: the counts and the two distributions stay in
 * place; runtime, cost, the verdict's reasons, concerns and improvements are
 * wrapped lines that scroll (↑/↓) when they do not fit, so nothing is cut.
 */
const Summary = ({ run, scroll, maxScroll }: { readonly run: EvaluationRun; readonly scroll: number; readonly maxScroll: { current: number } }) => {
  const size = useBodySize()
  const summary = run.summary
  if (!summary) return <Text dimColor>No summary (the run ended without one).</Text>
  const half = Math.floor((size.columns - 2) / 2)
  const chartRows = 1 + Math.max(Object.keys(summary.scoreDistribution).length, Object.keys(summary.assessmentDistribution).length, 1)
  const lines = summaryDetailLines(summary, size.columns)
  // The header above takes 5 rows or so; the rest of the body is ours.
  const room = Math.max(1, size.rows - HEADER_ROWS - 1 - chartRows - 1)
  maxScroll.current = Math.max(0, lines.length - room)
  const start = Math.min(scroll, maxScroll.current)
  const visible = lines.slice(start, start + room)
  const below = lines.length - start - visible.length
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">{`${sampleCountsLine(summary)} · avg judge score ${formatScore(summary.averageLlmScore)}`}</Text>
      <Box height={chartRows}>
        <Box width={half} flexDirection="column">
          <BarChart title="Score distribution" counts={summary.scoreDistribution} width={half - 1} />
        </Box>
        <Box width={half} flexDirection="column">
          <BarChart title="Assessments" counts={summary.assessmentDistribution} width={half - 1} order={(a, b) => (summary.assessmentDistribution[b] ?? 0) - (summary.assessmentDistribution[a] ?? 0)} />
        </Box>
      </Box>
      {visible.map((line, i) => (
        <Text key={start + i} wrap="truncate" bold={line.tone === "head"} {...(line.tone === "bad" ? { color: "red" } : line.tone === "good" ? { color: "green" } : {})}>
          {line.text}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {below > 0 ? `↓ ${below} more line${below === 1 ? "" : "s"} below · ` : start > 0 ? "↑ back to the top · " : ""}Tab: per-sample table
      </Text>
    </Box>
  )
}

/** Rows the run header takes at most (status, verdict, progress, id, transient note). */
const HEADER_ROWS = 6

type Line = { readonly text: string; readonly tone?: "head" | "bad" | "good" }

/** Runtime, cost, concerns and improvements, wrapped to the width (a long concern reads in full). */
export const summaryDetailLines = (summary: NonNullable<EvaluationRun["summary"]>, width: number): Array<Line> => {
  const lines: Array<Line> = [
    {
      text: summary.runtime
        ? `runtime  base ${formatDuration(summary.runtime.totalBaseMs)} (avg ${formatDuration(summary.runtime.averageBaseMs)})  candidate ${formatDuration(summary.runtime.totalCandidateMs)} (avg ${formatDuration(summary.runtime.averageCandidateMs)})`
        : "runtime  —"
    },
    {
      text: summary.cost
        ? `cost     base ${formatCost(summary.cost.totalBase)} (avg ${formatCost(summary.cost.averageBase)})  candidate ${formatCost(summary.cost.totalCandidate)} (avg ${formatCost(summary.cost.averageCandidate)})`
        : "cost     —"
    }
  ]
  const list = (title: string, items: ReadonlyArray<string>, tone: "bad" | "good") => {
    lines.push({ text: title, tone })
    if (items.length === 0) lines.push({ text: "  (none)" })
    for (const item of items) {
      wrapText(`• ${oneLine(item)}`, width - 2).forEach((part, i) => lines.push({ text: `${i === 0 ? "" : "  "}${part}` }))
    }
  }
  list("Top concerns", summary.topConcerns, "bad")
  list("Key improvements", summary.keyImprovements, "good")
  return lines
}

export const sampleRow = (sample: EvaluationRunSampleResult, width: number): string => {
  const judge = sample.llmEvaluation
  const system = sample.systemEvaluation
  const delta = regressionText(sample, { duration: formatDuration, cost: formatCost })
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
