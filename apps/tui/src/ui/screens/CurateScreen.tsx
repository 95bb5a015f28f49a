/**
 * Add an execution to datasets: pick datasets (Space), quality (←/→), tags,
 * and whether to skip datasets that already hold this execution (on by
 * default). A chosen dataset that holds it already is warned about before
 * anything is sent.
 */
import { useState } from "react"
import { Box, Text } from "ink"
import type { Dataset, ExecutionRecordSample } from "@fruxkit/core"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { moveSelection } from "../components/SelectList.js"
import { Spinner } from "../components/Spinner.js"
import { TextField, formLabel } from "../components/TextField.js"
import { Command } from "../keys/bindings.js"
import { useCommands } from "../keys/useCommands.js"
import { useLoad } from "../hooks/useLoad.js"
import { useApi } from "../state/ApiContext.js"
import { curateRequest, cycleQuality, initialCurateForm, toggleDataset, type CurateForm } from "../state/curateForm.js"
import { describeError, type Failure } from "../../describe-error.js"
import { formatTime, shortId } from "../../format-units.js"

type Outcome =
  | { readonly state: "idle" }
  | { readonly state: "sending" }
  | { readonly state: "done"; readonly created: ReadonlyArray<string>; readonly skipped: ReadonlyArray<string> }
  | { readonly state: "failed"; readonly failure: Failure }

export const CurateScreen = ({ agentId, executionRecordId }: { readonly agentId: string; readonly executionRecordId: string }) => {
  const { client, tenant, label } = useApi()
  const ref = { tenant, agent: agentId, executionRecord: executionRecordId }
  const loaded = useLoad(
    async (signal) => {
      const [datasets, existing] = await Promise.all([
        client.listDatasets({ tenant, agent: agentId }, { signal }),
        client.listExecutionRecordSamples(ref, { signal })
      ])
      return { datasets, existing }
    },
    [client, tenant, agentId, executionRecordId]
  )
  return (
    <Frame title={`${agentId} · add execution ${shortId(executionRecordId)} to datasets`} status={label}>
      {loaded.status === "failed" ? <ProblemView failure={loaded.failure} hint="R reload · Esc back" /> : null}
      {!loaded.value && loaded.status === "loading" ? <Spinner label="Loading datasets…" /> : null}
      {loaded.value ? (
        <Curate
          agentId={agentId}
          executionRecordId={executionRecordId}
          datasets={loaded.value.datasets}
          existing={loaded.value.existing}
          reload={loaded.reload}
        />
      ) : null}
    </Frame>
  )
}

const Curate = ({
  agentId,
  executionRecordId,
  datasets,
  existing,
  reload
}: {
  readonly agentId: string
  readonly executionRecordId: string
  readonly datasets: ReadonlyArray<Dataset>
  readonly existing: ReadonlyArray<ExecutionRecordSample>
  readonly reload: () => void
}) => {
  const { client, tenant } = useApi()
  const size = useBodySize()
  const [form, setFormState] = useState<CurateForm>(() => initialCurateForm())
  // A change to the form makes the last outcome ("✓ added to …") old news: it goes, so it never sits under a new warning.
  const setForm = (change: (form: CurateForm) => CurateForm) => {
    setFormState(change)
    setOutcome((o) => (o.state === "sending" ? o : { state: "idle" }))
  }
  const [cursor, setCursor] = useState(0)
  const [editingTags, setEditingTags] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" })
  // Rows: one per dataset, then quality, tags, dedupe, and the button.
  const rowCount = datasets.length + 4
  const row = cursor < datasets.length ? { kind: "dataset" as const, dataset: datasets[cursor]! } : { kind: (["quality", "tags", "dedupe", "submit"] as const)[cursor - datasets.length]! }
  const nameOf = (id: string) => datasets.find((d) => d.id === id)?.name ?? shortId(id)
  const holding = new Map(existing.map((sample) => [sample.datasetId, sample]))
  const alreadyIn = [...form.chosen].filter((id) => holding.has(id))

  const submit = async () => {
    const body = curateRequest(form, datasets.map((d) => d.id))
    if ((body.datasetIds ?? []).length === 0) {
      setOutcome({ state: "failed", failure: { kind: "invalid", title: "Choose at least one dataset (Space)", detail: undefined, status: undefined, tag: undefined } })
      return
    }
    setOutcome({ state: "sending" })
    try {
      const args = { tenant, agent: agentId, executionRecord: executionRecordId, body }
      if (form.dedupe) {
        const result = await client.addToDatasets({ ...args, dedupe: true })
        setOutcome({ state: "done", created: result.created.map((s) => nameOf(s.datasetId)), skipped: result.skipped.map((s) => nameOf(s.datasetId)) })
      } else {
        const created = await client.addToDatasets(args)
        setOutcome({ state: "done", created: created.map((s) => nameOf(s.datasetId)), skipped: [] })
      }
      // Done with those: unchoose them, so the form does not warn about what was just added.
      setFormState((f) => ({ ...f, chosen: new Set() }))
      reload()
    } catch (error) {
      setOutcome({ state: "failed", failure: describeError(error) })
    }
  }

  useCommands(
    {
      [Command.Up]: () => setCursor((c) => moveSelection(c, -1, rowCount)),
      [Command.Down]: () => setCursor((c) => moveSelection(c, 1, rowCount)),
      [Command.Toggle]: () => {
        if (row.kind === "dataset") setForm((f) => toggleDataset(f, row.dataset.id))
        if (row.kind === "dedupe") setForm((f) => ({ ...f, dedupe: !f.dedupe }))
      },
      [Command.Left]: () => row.kind === "quality" && setForm((f) => cycleQuality(f, -1)),
      [Command.Right]: () => row.kind === "quality" && setForm((f) => cycleQuality(f, 1)),
      [Command.Open]: () => {
        if (row.kind === "dataset") setForm((f) => toggleDataset(f, row.dataset.id))
        else if (row.kind === "quality") setForm((f) => cycleQuality(f, 1))
        else if (row.kind === "tags") setEditingTags(true)
        else if (row.kind === "dedupe") setForm((f) => ({ ...f, dedupe: !f.dedupe }))
        else if (outcome.state !== "sending") void submit()
      }
    },
    { active: !editingTags }
  )

  const datasetRows = Math.max(1, size.rows - 10)
  const start = Math.max(0, Math.min(cursor - Math.floor(datasetRows / 2), datasets.length - datasetRows))
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">{`execution ${executionRecordId}`}</Text>
      <Text bold>Datasets (Space choose)</Text>
      {datasets.length === 0 ? <Text dimColor>This agent has no datasets.</Text> : null}
      {datasets.slice(start, start + datasetRows).map((dataset, offset) => {
        const index = start + offset
        const sample = holding.get(dataset.id)
        return (
          <Text key={dataset.id} inverse={index === cursor} wrap="truncate">
            {index === cursor ? "›" : " "} [{form.chosen.has(dataset.id) ? "x" : " "}] {dataset.name.padEnd(18)} {String(dataset.sampleCount).padStart(4)} samples
            {sample ? <Text color="yellow">{`  holds this execution (${formatTime(sample.createdAt)})`}</Text> : null}
          </Text>
        )
      })}
      <Text inverse={row.kind === "quality"} wrap="truncate">
        {row.kind === "quality" ? "›" : " "} {formLabel("quality")}‹ {form.quality} ›
      </Text>
      <TextField
        label="tags"
        value={form.tags}
        selected={row.kind === "tags"}
        editing={editingTags}
        width={size.columns}
        placeholder="(comma separated)"
        onChange={(tags) => setForm((f) => ({ ...f, tags }))}
        onDone={() => setEditingTags(false)}
      />
      <Text inverse={row.kind === "dedupe"} wrap="truncate">
        {row.kind === "dedupe" ? "›" : " "} [{form.dedupe ? "x" : " "}] skip datasets that already hold this execution
      </Text>
      <Text inverse={row.kind === "submit"} bold>
        {row.kind === "submit" ? "›" : " "} [ Add to {form.chosen.size} dataset{form.chosen.size === 1 ? "" : "s"} ]
      </Text>
      {alreadyIn.length > 0 ? (
        <Text color="yellow" wrap="truncate">
          ⚠ already in {alreadyIn.map(nameOf).join(", ")}: {form.dedupe ? "those will be skipped" : "a second sample will be created"}
        </Text>
      ) : null}
      {outcome.state === "sending" ? <Spinner label="Adding…" /> : null}
      {outcome.state === "failed" ? <ProblemView failure={outcome.failure} /> : null}
      {outcome.state === "done" ? (
        <Text color="green" wrap="truncate">
          ✓ added to {outcome.created.length > 0 ? outcome.created.join(", ") : "no dataset"}
          {outcome.skipped.length > 0 ? `; skipped ${outcome.skipped.join(", ")} (already there)` : ""}
        </Text>
      ) : null}
    </Box>
  )
}
