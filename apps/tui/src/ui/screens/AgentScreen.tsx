/**
 * One agent: its revisions, datasets, recent evaluation runs and recent
 * executions. Tab moves between sections; Enter acts on the selected row
 * (test a revision's draft, open a run, curate an execution).
 */
import { useState } from "react"
import { Box, Text } from "ink"
import type { AgentRevision, Dataset, EvaluationRun, ExecutionRecord } from "@fruxkit/core"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { SelectList, moveSelection } from "../components/SelectList.js"
import { Spinner } from "../components/Spinner.js"
import { Command } from "../keys/bindings.js"
import { useCommands } from "../keys/useCommands.js"
import { part, useLoad } from "../hooks/useLoad.js"
import { useOnReturn } from "../hooks/useOnReturn.js"
import { useDraftHead } from "../hooks/useDraftHead.js"
import { useApi } from "../state/ApiContext.js"
import { useNavigation } from "../state/NavigationContext.js"
import { useSessionMemory } from "../state/SessionMemory.js"
import { formatCost, formatScore, formatTime, shortId } from "../../format-units.js"
import { describeError, failureLine, type Failure } from "../../describe-error.js"
import { TextField } from "../components/TextField.js"
import { useTerminalSize } from "../hooks/useTerminalSize.js"

const SECTIONS = ["revisions", "datasets", "runs", "executions"] as const
type Section = (typeof SECTIONS)[number]

export const RECENT = 5

/** A run in a list: its dataset by name when the names are known (a run's own field is only the id). */
export const runLine = (run: EvaluationRun, datasetNames: ReadonlyMap<string, string> = new Map(), options: { readonly transient?: boolean } = {}): string => {
  const dataset = run.datasetId ? (datasetNames.get(run.datasetId) ?? shortId(run.datasetId)) : "all"
  const candidate = options.transient ? "transient" : `cand ${String(run.candidateRevision ?? "ext").padEnd(4)}`
  return `${shortId(run.id)}  ${run.status.padEnd(11)} ${candidate} score ${formatScore(run.score).padEnd(5)} ${formatTime(run.createdAt)}  ${dataset}`
}

const revisionLine = (revision: AgentRevision, current: number): string =>
  `rev ${String(revision.agentRevision).padEnd(4)}${revision.agentRevision === current ? "deployed " : "         "}${revision.comment}`

const datasetLine = (dataset: Dataset): string => `${dataset.name.padEnd(20)} ${String(dataset.sampleCount).padStart(4)} samples`

const executionLine = (record: ExecutionRecord): string =>
  `${shortId(record.id)}  rev ${String(record.agentRevision).padEnd(3)} ${record.status.padEnd(10)} ${formatCost(record.totalCost).padEnd(9)} ${formatTime(record.createdAt)}${record.isSample ? "  in dataset" : ""}`

/** A row of Recent runs: a listed run, or a transient one started this session (`run` undefined once gone). */
interface RecentRun {
  readonly id: string
  readonly run: EvaluationRun | undefined
  readonly transient: boolean
}

export const AgentScreen = ({ agentId }: { readonly agentId: string }) => {
  const { client, tenant, label } = useApi()
  const memory = useSessionMemory()
  const bodyWidth = useTerminalSize().columns
  const navigation = useNavigation()
  const overview = useLoad(
    async (signal) => {
      const ref = { tenant, agent: agentId }
      const [agent, revisions, datasets, runs, executions] = await Promise.all([
        client.getAgent(ref, { signal }),
        part(client.listRevisions(ref, { signal }), [] as ReadonlyArray<AgentRevision>),
        part(client.listDatasets(ref, { signal }), [] as ReadonlyArray<Dataset>),
        part(
          client.listEvaluationRunsPage({ ...ref, query: { PageSize: RECENT } }, { signal }).then((page) => page.items),
          [] as ReadonlyArray<EvaluationRun>
        ),
        part(
          client.listExecutionRecordsPage({ ...ref, query: { PageSize: RECENT } }, { signal }).then((page) => page.items),
          [] as ReadonlyArray<ExecutionRecord>
        )
      ])
      const missing: Record<Section, Failure | undefined> = {
        revisions: revisions.missing,
        datasets: datasets.missing,
        runs: runs.missing,
        executions: executions.missing
      }
      // Transient runs started this session: the API does not list them, so they are read one by one (a backend
      // that restarted, or dropped old ones, answers 404: the row says the run is gone rather than vanishing).
      const transient = await Promise.all(
        memory.transientRuns(agentId).map((id) =>
          client.getEvaluationRun({ ...ref, evaluationRun: id }, { signal }).then(
            (run): RecentRun => ({ id, run, transient: true }),
            (): RecentRun => ({ id, run: undefined, transient: true })
          )
        )
      )
      const recent: Array<RecentRun> = [...transient, ...runs.value.filter((run) => !transient.some((t) => t.id === run.id)).map((run): RecentRun => ({ id: run.id, run, transient: false }))]
      return { agent, revisions: revisions.value, datasets: datasets.value, runs: recent, executions: executions.value, missing }
    },
    [client, tenant, agentId]
  )
  const [section, setSection] = useState<Section>("revisions")
  const [selection, setSelection] = useState<Record<Section, number>>({ revisions: 0, datasets: 0, runs: 0, executions: 0 })
  const data = overview.value
  const counts: Record<Section, number> = {
    revisions: data?.revisions.length ?? 0,
    datasets: data?.datasets.length ?? 0,
    runs: data?.runs.length ?? 0,
    executions: data?.executions.length ?? 0
  }
  const move = (delta: number) =>
    setSelection((s) => ({ ...s, [section]: moveSelection(s[section], delta, counts[section]) }))
  const selectedRevision = data?.revisions[selection.revisions]
  // Without a choice, test the newest revision that is not deployed (the candidate), else the deployed one.
  const testRevision =
    section === "revisions" && selectedRevision
      ? selectedRevision.agentRevision
      : (data?.revisions.find((r) => r.agentRevision !== data.agent.currentRevision)?.agentRevision ?? data?.agent.currentRevision)

  const draftHead = useDraftHead(agentId, testRevision)
  useOnReturn(() => {
    overview.reload()
    draftHead.reload()
  })
  // "New dataset": its name, then an optional description, then created; the list reloads with it.
  const [newDataset, setNewDataset] = useState<{ readonly step: "name" | "description"; readonly name: string; readonly description: string } | undefined>(undefined)
  const [datasetOutcome, setDatasetOutcome] = useState<{ readonly ok: string } | { readonly failure: Failure } | undefined>(undefined)
  const createDataset = async (name: string, description: string) => {
    setNewDataset(undefined)
    try {
      const created = await client.createDataset({ tenant, agent: agentId, body: { name, ...(description ? { description } : {}) } })
      setDatasetOutcome({ ok: `✓ dataset ${created.name} created (${created.id})` })
      overview.reload()
    } catch (error) {
      setDatasetOutcome({ failure: describeError(error) })
    }
  }

  useCommands({
    [Command.Up]: () => move(-1),
    [Command.Down]: () => move(1),
    [Command.NextSection]: () => setSection((s) => SECTIONS[(SECTIONS.indexOf(s) + 1) % SECTIONS.length]!),
    [Command.Open]: () => {
      if (!data) return
      if (section === "revisions" && selectedRevision) {
        navigation.push({ screen: "draftTest", agentId, revision: selectedRevision.agentRevision })
      } else if (section === "runs") {
        const run = data.runs[selection.runs]
        if (run?.run) navigation.push({ screen: "run", agentId, runId: run.id })
      } else if (section === "executions") {
        const record = data.executions[selection.executions]
        if (record) navigation.push({ screen: "curate", agentId, executionRecordId: record.id })
      } else if (section === "datasets") {
        navigation.push({ screen: "evaluate", agentId, datasetId: data.datasets[selection.datasets]?.id })
      }
    },
    [Command.DraftTest]: () => {
      if (testRevision !== undefined) navigation.push({ screen: "draftTest", agentId, revision: testRevision })
    },
    [Command.Evaluate]: () => navigation.push({ screen: "evaluate", agentId }),
    ...(testRevision !== undefined ? { [Command.EditDraft]: () => navigation.push({ screen: "draft", agentId, revision: testRevision }) } : {}),
    ...(draftHead.draft
      ? {
          [Command.EvaluateDraft]: () =>
            void draftHead.evaluate().then((run) => run && navigation.push({ screen: "run", agentId, runId: run.id, initial: run }))
        }
      : {}),
    [Command.NewDataset]: () => {
      setDatasetOutcome(undefined)
      setNewDataset({ step: "name", name: "", description: "" })
    },
    [Command.History]: () => navigation.push({ screen: "history", agentId }),
    [Command.Reload]: overview.reload
  })

  return (
    <Frame title={`agent ${agentId}`} status={label}>
      {overview.status === "failed" ? <ProblemView failure={overview.failure} hint="R reload · Esc back" /> : null}
      {draftHead.failure ? <ProblemView failure={draftHead.failure} hint="the draft was reloaded: E evaluates its head now" /> : null}
      {!data && overview.status === "loading" ? <Spinner label="Loading agent…" /> : null}
      {newDataset ? (
        <Box flexDirection="column" borderStyle="round" paddingX={1}>
          <Text bold>New dataset (Enter next · Esc cancel)</Text>
          <TextField
            label="name"
            value={newDataset.name}
            selected={newDataset.step === "name"}
            editing={newDataset.step === "name"}
            width={bodyWidth - 4}
            onChange={(name) => setNewDataset((d) => (d ? { ...d, name } : d))}
            onDone={() => setNewDataset((d) => (d && d.name.trim() !== "" ? { ...d, step: "description" } : d))}
            onCancel={() => setNewDataset(undefined)}
          />
          <TextField
            label="description"
            value={newDataset.description}
            selected={newDataset.step === "description"}
            editing={newDataset.step === "description"}
            width={bodyWidth - 4}
            placeholder="(optional)"
            onChange={(description) => setNewDataset((d) => (d ? { ...d, description } : d))}
            onDone={() => void createDataset(newDataset.name.trim(), newDataset.description.trim())}
            onCancel={() => setNewDataset(undefined)}
          />
        </Box>
      ) : null}
      {datasetOutcome ? (
        "ok" in datasetOutcome ? (
          <Text color="green" wrap="truncate">{datasetOutcome.ok}</Text>
        ) : (
          <ProblemView failure={datasetOutcome.failure} />
        )
      ) : null}
      {data ? (
        <Sections
          heading={`${data.agent.displayName || data.agent.id} · deployed rev ${data.agent.currentRevision}${draftHead.line ? ` · ${draftHead.line}` : ""}${data.agent.description ? ` · ${data.agent.description}` : ""}`}
          focus={section}
          selection={selection}
          missing={data.missing}
          selectedId={section === "runs" ? data.runs[selection.runs]?.id : section === "executions" ? data.executions[selection.executions]?.id : undefined}
          lines={{
            revisions: data.revisions.map((r) => revisionLine(r, data.agent.currentRevision)),
            datasets: data.datasets.map(datasetLine),
            runs: data.runs.map((recent) =>
              recent.run
                ? runLine(recent.run, new Map(data.datasets.map((d) => [d.id, d.name])), { transient: recent.transient })
                : `${shortId(recent.id)}  gone: a transient run the backend no longer holds`
            ),
            executions: data.executions.map(executionLine)
          }}
        />
      ) : null}
    </Frame>
  )
}

const TITLES: Record<Section, string> = {
  revisions: "Revisions (Enter: test its draft, or start one)",
  datasets: "Datasets (Enter: evaluate on it · N: new)",
  runs: "Recent evaluation runs (Enter: open)",
  executions: "Recent executions (Enter: curate)"
}

const Sections = ({
  heading,
  focus,
  selection,
  lines,
  missing,
  selectedId
}: {
  /** The selected run's or execution's full id, shown whole so it can be copied (rows show 8 characters). */
  readonly selectedId: string | undefined
  readonly heading: string
  readonly focus: Section
  readonly selection: Record<Section, number>
  readonly lines: Record<Section, ReadonlyArray<string>>
  readonly missing: Record<Section, Failure | undefined>
}) => {
  const size = useBodySize()
  // One row for the heading and one for the selected id; the rest shared by the four sections, each with a title row.
  const perSection = Math.max(1, Math.floor((size.rows - 2) / SECTIONS.length) - 1)
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">{heading}</Text>
      {SECTIONS.map((name) => (
        <Box key={name} flexDirection="column" height={perSection + 1}>
          <Text bold {...(focus === name ? { color: "cyan" } : {})}>
            {focus === name ? "▌" : " "}
            {TITLES[name]}
          </Text>
          <SelectList
            items={lines[name]}
            selected={selection[name]}
            height={perSection}
            width={size.columns}
            focused={focus === name}
            render={(line) => line}
            empty={missing[name] ? `(not available here: ${failureLine(missing[name])})` : "(none)"}
          />
        </Box>
      ))}
      <Text dimColor wrap="truncate">{selectedId ? `id ${selectedId}` : " "}</Text>
    </Box>
  )
}
