/**
 * Two evaluation runs side by side, joined per sample (core's
 * RunComparison, the one answer the CLI's `fruxkit compare` prints too):
 * both runs' revision, score and recommendation, how many samples improved,
 * regressed or stayed, which flipped, and the samples worst first.
 */
import { useState } from "react"
import { Box, Text } from "ink"
import { RunComparison, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { SelectList, moveSelection } from "../components/SelectList.js"
import { Spinner } from "../components/Spinner.js"
import { Command } from "../keys/bindings.js"
import { useCommands } from "../keys/useCommands.js"
import { take, useLoad } from "../hooks/useLoad.js"
import { useApi } from "../state/ApiContext.js"
import { MAX_SAMPLES } from "./RunScreen.js"
import { formatScore, pad, shortId } from "../../format-units.js"

const sideLine = (label: string, side: RunComparison.RunSide): string =>
  `${label} ${shortId(side.id)}  rev ${side.candidateRevision ?? "ext"} vs deployed ${side.deployedRevision ?? "?"}  score ${formatScore(side.score)}  ${side.deploymentRecommendation ?? "—"}  ${side.regressions} regressed of ${side.samples}`

export const sampleComparisonLine = (sample: RunComparison.SampleComparison): string => {
  const index = sample.head?.sampleIndex ?? sample.base?.sampleIndex ?? 0
  const delta = sample.delta === null ? "—" : `${sample.delta >= 0 ? "+" : "−"}${Math.abs(sample.delta).toFixed(2)}`
  return `#${String(index).padEnd(3)} ${pad(sample.change.replace(/_/g, " "), 12)} ${formatScore(sample.base?.score).padStart(5)} → ${formatScore(sample.head?.score).padEnd(5)} ${delta.padStart(6)}  ${sample.base?.assessment ?? "—"} → ${sample.head?.assessment ?? "—"}${sample.flipped ? "  flipped" : ""}`
}

export const CompareScreen = ({ agentId, baseRunId, headRunId }: { readonly agentId: string; readonly baseRunId: string; readonly headRunId: string }) => {
  const { client, tenant, label } = useApi()
  const size = useBodySize()
  const loaded = useLoad(
    async (signal) => {
      const side = async (id: string): Promise<{ run: EvaluationRun; samples: Array<EvaluationRunSampleResult> }> => {
        const ref = { tenant, agent: agentId, evaluationRun: id }
        const [run, samples] = await Promise.all([client.getEvaluationRun(ref, { signal }), take(client.listEvaluationRunSamples(ref, { signal }), MAX_SAMPLES)])
        return { run, samples }
      }
      const [base, head] = await Promise.all([side(baseRunId), side(headRunId)])
      return RunComparison.compareRuns(base, head)
    },
    [client, tenant, agentId, baseRunId, headRunId]
  )
  const [selected, setSelected] = useState(0)
  const samples = loaded.value?.samples ?? []
  useCommands({
    [Command.Up]: () => setSelected((s) => moveSelection(s, -1, samples.length)),
    [Command.Down]: () => setSelected((s) => moveSelection(s, 1, samples.length)),
    [Command.Reload]: loaded.reload
  })
  const comparison = loaded.value
  return (
    <Frame title={`${agentId} · compare ${shortId(baseRunId)} → ${shortId(headRunId)}`} status={label}>
      {loaded.status === "failed" ? <ProblemView failure={loaded.failure} hint="R reload · Esc back" /> : null}
      {!comparison && loaded.status === "loading" ? <Spinner label="Loading both runs…" /> : null}
      {comparison ? (
        <Box flexDirection="column">
          <Text wrap="truncate">{sideLine("base", comparison.base)}</Text>
          <Text wrap="truncate">{sideLine("head", comparison.head)}</Text>
          <Text bold wrap="truncate">
            {`improved ${comparison.summary.improved} · regressed ${comparison.summary.regressed} · unchanged ${comparison.summary.unchanged} · flipped ${comparison.summary.flipped} · score ${comparison.summary.scoreDelta === null ? "—" : `${comparison.summary.scoreDelta >= 0 ? "+" : "−"}${Math.abs(comparison.summary.scoreDelta).toFixed(2)}`}`}
          </Text>
          {comparison.summary.sameDataset ? null : <Text color="yellow">The two runs used different datasets: only the samples both have are compared.</Text>}
          <Text dimColor wrap="truncate">{`  ${"#".padEnd(4)} ${"change".padEnd(12)}  base → head    Δ    assessment (worst first)`}</Text>
          <SelectList items={samples} selected={selected} height={size.rows - 6} width={size.columns} render={sampleComparisonLine} empty="No samples." />
        </Box>
      ) : null}
    </Frame>
  )
}
