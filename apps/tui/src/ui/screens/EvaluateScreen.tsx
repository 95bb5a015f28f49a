/**
 * Start an evaluation: a dataset and a candidate (a revision, or an external
 * agent whose secrets show as bullets while typed). `r` starts it and the run
 * screen takes over.
 */
import { useState } from "react"
import { Box, Text } from "ink"
import type { AgentRevision, Dataset } from "@fruxkit/core"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { moveSelection } from "../components/SelectList.js"
import { Spinner } from "../components/Spinner.js"
import { TextField, formLabel } from "../components/TextField.js"
import { Command } from "../keys/bindings.js"
import { useCommands } from "../keys/useCommands.js"
import { part, useLoad } from "../hooks/useLoad.js"
import { useApi } from "../state/ApiContext.js"
import { useNavigation } from "../state/NavigationContext.js"
import { useSessionMemory } from "../state/SessionMemory.js"
import { EXTERNAL_KEYS, evaluateFormProblem, evaluateRequest, isSecretKey, type Candidate, type EvaluateForm } from "../state/evaluateForm.js"
import { describeError, type Failure } from "../../describe-error.js"

export const EvaluateScreen = ({ agentId, datasetId }: { readonly agentId: string; readonly datasetId?: string | undefined }) => {
  const { client, tenant, label } = useApi()
  const loaded = useLoad(
    async (signal) => {
      const ref = { tenant, agent: agentId }
      const [agent, revisions, datasets] = await Promise.all([
        client.getAgent(ref, { signal }),
        part(client.listRevisions(ref, { signal }), [] as ReadonlyArray<AgentRevision>),
        part(client.listDatasets(ref, { signal }), [] as ReadonlyArray<Dataset>)
      ])
      return { agent, revisions: revisions.value, datasets: datasets.value, cannotListRevisions: revisions.missing !== undefined }
    },
    [client, tenant, agentId]
  )
  return (
    <Frame title={`${agentId} · evaluate`} status={label}>
      {loaded.status === "failed" ? <ProblemView failure={loaded.failure} hint="R reload · Esc back" /> : null}
      {!loaded.value && loaded.status === "loading" ? <Spinner label="Loading…" /> : null}
      {loaded.value ? (
        <Evaluate
          agentId={agentId}
          deployed={loaded.value.agent.currentRevision}
          revisions={loaded.value.revisions}
          datasets={loaded.value.datasets}
          cannotListRevisions={loaded.value.cannotListRevisions}
          preselected={datasetId}
        />
      ) : null}
    </Frame>
  )
}

const Evaluate = ({
  agentId,
  deployed,
  revisions,
  datasets,
  cannotListRevisions,
  preselected
}: {
  readonly agentId: string
  readonly deployed: number
  readonly revisions: ReadonlyArray<AgentRevision>
  readonly datasets: ReadonlyArray<Dataset>
  /** The server does not list revisions (a fruxkit endpoint): the candidate's number is typed instead. */
  readonly cannotListRevisions: boolean
  /** The dataset to start with; else `golden` when there is one. */
  readonly preselected?: string | undefined
}) => {
  const { client, tenant } = useApi()
  const navigation = useNavigation()
  const memory = useSessionMemory()
  const size = useBodySize()
  // Candidates: every revision but the deployed one (newest first), then an external agent.
  const candidates: ReadonlyArray<Candidate | { readonly kind: "typed" }> = [
    ...revisions.filter((r) => r.agentRevision !== deployed).map((r): Candidate => ({ kind: "revision", revision: r.agentRevision })),
    ...(cannotListRevisions ? [{ kind: "typed" } as const] : []),
    { kind: "external" }
  ]
  const [typedRevision, setTypedRevision] = useState("")
  const datasetChoices: ReadonlyArray<Dataset | undefined> = [...datasets, undefined]
  const chosen = datasets.findIndex((d) => d.id === preselected)
  const golden = datasets.findIndex((d) => d.name === "golden")
  const [datasetIndex, setDatasetIndex] = useState(chosen >= 0 ? chosen : golden >= 0 ? golden : 0)
  // The external agent evaluated last (this session) comes back filled in, and chosen.
  const remembered = memory.external(agentId)
  const [candidateIndex, setCandidateIndex] = useState(remembered ? candidates.length - 1 : 0)
  const [external, setExternal] = useState<Record<string, string>>(() => ({ ...remembered }))
  const [cursor, setCursor] = useState(0)
  const [editing, setEditing] = useState<string | undefined>(undefined)
  const [failure, setFailure] = useState<Failure | undefined>(undefined)
  const [starting, setStarting] = useState(false)
  const choice = candidates[candidateIndex] ?? { kind: "external" as const }
  const candidate: Candidate = choice.kind === "typed" ? { kind: "revision", revision: Number(typedRevision) } : choice
  const rows = [
    "dataset",
    "candidate",
    ...(choice.kind === "typed" ? ["revision"] : []),
    ...(choice.kind === "external" ? EXTERNAL_KEYS : []),
    "start"
  ] as const
  const row: string = rows[cursor] ?? "start"
  const form: EvaluateForm = {
    datasetId: datasetChoices[datasetIndex]?.id,
    candidate,
    external
  }

  const start = async () => {
    const problem =
      choice.kind === "typed" && !/^\d+$/.test(typedRevision.trim()) ? "Type the candidate's revision number." : evaluateFormProblem(form)
    if (problem) {
      setFailure({ kind: "invalid", title: problem, detail: undefined, status: undefined, tag: undefined })
      return
    }
    setStarting(true)
    setFailure(undefined)
    try {
      const run = await client.evaluate({ tenant, agent: agentId, body: evaluateRequest(form) })
      if (form.candidate.kind === "external") memory.rememberExternal(agentId, external)
      if (run.candidateRevision === null) memory.rememberTransientRun({ agentId, runId: run.id })
      navigation.replace({ screen: "run", agentId, runId: run.id, initial: run })
    } catch (error) {
      setFailure(describeError(error))
      setStarting(false)
    }
  }

  const cycle = (delta: number) => {
    if (row === "dataset") setDatasetIndex((i) => (i + delta + datasetChoices.length) % datasetChoices.length)
    if (row === "candidate") setCandidateIndex((i) => (i + delta + candidates.length) % candidates.length)
  }
  useCommands(
    {
      [Command.Up]: () => setCursor((c) => moveSelection(c, -1, rows.length)),
      [Command.Down]: () => setCursor((c) => moveSelection(c, 1, rows.length)),
      [Command.Left]: () => cycle(-1),
      [Command.Right]: () => cycle(1),
      [Command.Open]: () => {
        if (row === "dataset" || row === "candidate") cycle(1)
        else if (row === "start") void (starting ? undefined : start())
        else setEditing(row)
      },
      [Command.Run]: () => void (starting ? undefined : start())
    },
    { active: editing === undefined }
  )

  const datasetText = (d: Dataset | undefined) => (d ? `${d.name} (${d.sampleCount} samples)` : "all datasets of the deployed revision")
  const candidateText = (c: Candidate | { readonly kind: "typed" }) =>
    c.kind === "revision" ? `revision ${c.revision}` : c.kind === "typed" ? "revision (type its number)" : "external agent"
  return (
    <Box flexDirection="column">
      <Text dimColor>{`Base: deployed revision ${deployed}. ←/→ change a choice, Enter edit a field, r start.`}</Text>
      <Text inverse={row === "dataset"} wrap="truncate">
        {row === "dataset" ? "›" : " "} {formLabel("dataset")}‹ {datasetText(datasetChoices[datasetIndex])} ›
      </Text>
      <Text inverse={row === "candidate"} wrap="truncate">
        {row === "candidate" ? "›" : " "} {formLabel("candidate")}‹ {candidateText(choice)} ›
      </Text>
      {choice.kind === "external" ? (
        <Text color="yellow" wrap="wrap">
          {"  An external agent's run is transient: not kept in history, readable while the backend that runs it is up."}
        </Text>
      ) : null}
      {choice.kind === "typed" ? (
        <TextField
          label="revision"
          value={typedRevision}
          selected={row === "revision"}
          editing={editing === "revision"}
          width={size.columns}
          placeholder="(this server does not list revisions: type one)"
          onChange={setTypedRevision}
          onDone={() => setEditing(undefined)}
        />
      ) : null}
      {candidate.kind === "external"
        ? EXTERNAL_KEYS.map((key) => (
            <TextField
              key={key}
              label={key}
              value={external[key] ?? ""}
              masked={isSecretKey(key)}
              selected={row === key}
              editing={editing === key}
              width={size.columns}
              placeholder="(not set)"
              onChange={(value) => setExternal((e) => ({ ...e, [key]: value }))}
              onDone={() => setEditing(undefined)}
            />
          ))
        : null}
      <Text inverse={row === "start"} bold>
        {row === "start" ? "›" : " "} [ Start evaluation ]
      </Text>
      {starting ? <Spinner label="Starting the run…" /> : null}
      {failure ? <ProblemView failure={failure} /> : null}
    </Box>
  )
}
