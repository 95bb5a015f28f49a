/** One sample of a run: base and candidate outputs side by side, then the judge's analysis. ←/→ move between samples. */
import { useState } from "react"
import { Box, Text } from "ink"
import type { DraftTestResponse, EvaluationRunSampleResult } from "@fruxkit/core"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { Spinner } from "../components/Spinner.js"
import { Command } from "../keys/bindings.js"
import { useCommands } from "../keys/useCommands.js"
import { take, useLoad } from "../hooks/useLoad.js"
import { useApi } from "../state/ApiContext.js"
import { MAX_SAMPLES } from "./RunScreen.js"
import { formatCost, formatDuration, formatScore, pad, shortId } from "../../format-units.js"
import { wrapText } from "../../wrap-text.js"
import { sortSamples, type SampleOrder } from "../../sample-ranking.js"

export const SampleScreen = ({
  agentId,
  runId,
  sampleIndex,
  order
}: {
  readonly agentId: string
  readonly runId: string
  readonly sampleIndex: number
  readonly order?: SampleOrder | undefined
}) => {
  const { client, tenant, label } = useApi()
  const samples = useLoad(
    (signal) => take(client.listEvaluationRunSamples({ tenant, agent: agentId, evaluationRun: runId }, { signal }), MAX_SAMPLES),
    [client, tenant, agentId, runId]
  )
  // In the order the run's table showed them, so ←/→ reach the neighbours seen there.
  const all = order ? sortSamples(samples.value ?? [], order) : [...(samples.value ?? [])].sort((a, b) => a.sampleIndex - b.sampleIndex)
  const [position, setPosition] = useState<number | undefined>(undefined)
  const [scroll, setScroll] = useState(0)
  const index = position ?? Math.max(0, all.findIndex((s) => s.sampleIndex === sampleIndex))
  const sample = all[index]
  const move = (delta: number) => {
    setPosition(Math.max(0, Math.min(all.length - 1, index + delta)))
    setScroll(0)
  }
  useCommands({
    [Command.Left]: () => move(-1),
    [Command.Right]: () => move(1),
    [Command.Up]: () => setScroll((s) => Math.max(0, s - 1)),
    [Command.Down]: () => setScroll((s) => s + 1),
    [Command.PageUp]: () => setScroll((s) => Math.max(0, s - 10)),
    [Command.PageDown]: () => setScroll((s) => s + 10)
  })
  return (
    <Frame title={`${agentId} · run ${shortId(runId)} · sample #${sample?.sampleIndex ?? sampleIndex} (${index + 1}/${all.length})`} status={label}>
      {samples.status === "failed" ? <ProblemView failure={samples.failure} /> : null}
      {samples.status === "loading" && !samples.value ? <Spinner label="Loading samples…" /> : null}
      {sample ? <SampleDetail sample={sample} scroll={scroll} /> : samples.status === "ready" ? <Text dimColor>No such sample.</Text> : null}
    </Frame>
  )
}

const outputOf = (result: DraftTestResponse | null): string =>
  result === null ? "(no result)" : result.response || (result.status === "COMPLETED" ? "(empty response)" : `(${result.status})`)

/** Every line the sample shows, so the screen can scroll through them. */
export const sampleLines = (sample: EvaluationRunSampleResult, width: number): Array<{ text: string; tone?: "head" | "dim" | "bad" }> => {
  const column = Math.max(10, Math.floor((width - 3) / 2))
  const system = sample.systemEvaluation
  const judge = sample.llmEvaluation
  const base = wrapText(outputOf(sample.baseRevisionResult), column)
  const candidate = wrapText(outputOf(sample.candidateRevisionResult), column)
  const lines: Array<{ text: string; tone?: "head" | "dim" | "bad" }> = [
    { text: `parameters ${JSON.stringify(sample.parameters)}`, tone: "dim" },
    { text: `${pad("BASE", column)} │ CANDIDATE`, tone: "head" },
    {
      text: `${pad(`${sample.baseRevisionResult?.status ?? "—"} ${formatDuration(system?.baseRuntimeMs ?? 0)} ${formatCost(system?.baseCost ?? 0)}`, column)} │ ${sample.candidateRevisionResult?.status ?? "—"} ${formatDuration(system?.candidateRuntimeMs ?? 0)} ${formatCost(system?.candidateCost ?? 0)}`,
      tone: "dim"
    }
  ]
  for (let i = 0; i < Math.max(base.length, candidate.length); i++) {
    lines.push({ text: `${pad(base[i] ?? "", column)} │ ${candidate[i] ?? ""}` })
  }
  lines.push({ text: "" })
  if (!judge) {
    lines.push({ text: "The judge gave no evaluation for this sample.", tone: "dim" })
    return lines
  }
  lines.push({ text: `Judge: score ${formatScore(judge.score)} · ${judge.overallAssessment || "—"}`, tone: "head" })
  if (judge.errorTitle) lines.push({ text: `${judge.errorCategory ?? "error"}: ${judge.errorTitle}`, tone: "bad" })
  for (const line of wrapText(judge.summary, width)) lines.push({ text: line })
  if (judge.analysis) {
    lines.push({ text: "Analysis", tone: "head" })
    for (const line of wrapText(judge.analysis, width)) lines.push({ text: line })
  }
  for (const [title, items] of [
    ["Concerns", judge.concernsRisks],
    ["Improvements", judge.keyImprovements]
  ] as const) {
    if (items.length === 0) continue
    lines.push({ text: title, tone: "head" })
    for (const item of items) for (const line of wrapText(`• ${item}`, width)) lines.push({ text: line })
  }
  return lines
}

const SampleDetail = ({ sample, scroll }: { readonly sample: EvaluationRunSampleResult; readonly scroll: number }) => {
  const size = useBodySize()
  const lines = sampleLines(sample, size.columns)
  const start = Math.min(scroll, Math.max(0, lines.length - size.rows))
  return (
    <Box flexDirection="column">
      {lines.slice(start, start + size.rows).map((line, i) => (
        <Text key={start + i} wrap="truncate" bold={line.tone === "head"} dimColor={line.tone === "dim"} {...(line.tone === "bad" ? { color: "red" } : {})}>
          {line.text}
        </Text>
      ))}
    </Box>
  )
}
