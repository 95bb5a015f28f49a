/**
 * Test the draft forked from a revision: fill the form, run it (`r`), read
 * the response, status, cost and the trace tree; `c` curates the execution.
 * A stale head (someone saved the draft since we read it) is said plainly and
 * `R` reloads the head and runs again.
 */
import { useReducer, useRef, useState } from "react"
import { Box, Text } from "ink"
import type { AgentDraft, AgentRevision, DraftTestResponse, StepTrace } from "@fruxkit/core"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { Spinner } from "../components/Spinner.js"
import { TextField, formLabel } from "../components/TextField.js"
import { TraceTree, visibleSteps } from "../components/TraceTree.js"
import { StepDetail } from "../components/StepDetail.js"
import { Command } from "../keys/bindings.js"
import { useCommands, type Handlers } from "../keys/useCommands.js"
import { useLoad } from "../hooks/useLoad.js"
import { useApi } from "../state/ApiContext.js"
import { useNavigation } from "../state/NavigationContext.js"
import {
  fieldAt,
  formFields,
  formProblem,
  formReducer,
  initialForm,
  isDirty,
  requestOf,
  rowLabel,
  type DraftTestForm,
  type FormAction,
  type ParameterRow
} from "../state/draftTestForm.js"
import { describeError, type Failure } from "../../describe-error.js"
import { formatCost, formatDuration, truncate } from "../../format-units.js"
import { wrapText } from "../../wrap-text.js"

type Outcome =
  | { readonly state: "idle" }
  | { readonly state: "running" }
  | { readonly state: "done"; readonly result: DraftTestResponse }
  | { readonly state: "failed"; readonly failure: Failure }
  | { readonly state: "stale"; readonly failure: Failure }

export const DraftTestScreen = ({ agentId, revision }: { readonly agentId: string; readonly revision: number }) => {
  const { client, tenant, label } = useApi()
  const head = useLoad(
    async (signal) => {
      const ref = { tenant, agent: agentId, revision }
      const [rev, draft] = await Promise.all([client.getRevision(ref, { signal }), client.getDraft(ref, { signal })])
      return { revision: rev, draft }
    },
    [client, tenant, agentId, revision]
  )
  return (
    <Frame title={`${agentId} · draft test · base rev ${revision}`} status={label}>
      {head.status === "failed" ? <ProblemView failure={head.failure} hint="Esc back" /> : null}
      {head.status === "loading" && !head.value ? <Spinner label="Loading the draft…" /> : null}
      {head.value ? <DraftTest agentId={agentId} revision={head.value.revision} draft={head.value.draft} /> : null}
    </Frame>
  )
}

const DraftTest = ({
  agentId,
  revision,
  draft: firstDraft
}: {
  readonly agentId: string
  readonly revision: AgentRevision
  readonly draft: AgentDraft | null
}) => {
  const { client, tenant } = useApi()
  const navigation = useNavigation()
  const size = useBodySize()
  const [form, dispatch] = useReducer(formReducer, revision.parametersMetadata, initialForm)
  // Changes not yet run are what Esc would lose: a run "saves" the form it sent.
  const [pristine, setPristine] = useState(() => initialForm(revision.parametersMetadata))
  const [confirmDiscard, setConfirmDiscard] = useState(false)
  const dirty = isDirty(form, pristine)
  // Esc on a form with changes asks first; Esc without changes just goes back.
  const leave = () => (dirty ? setConfirmDiscard(true) : navigation.back())
  const [draft, setDraft] = useState(firstDraft)
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" })
  const [view, setView] = useState<"form" | "result">("form")
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())
  const [cursor, setCursor] = useState(0)
  // The result shows the trace with the response's first lines; `v` gives the whole response the space.
  const [responseView, setResponseView] = useState(false)
  const [responseScroll, setResponseScroll] = useState(0)
  // A step opened from the trace (its path in the tree) and how far its detail is scrolled.
  const [detail, setDetail] = useState<{ readonly path: string; readonly scroll: number } | undefined>(undefined)
  const running = useRef(false)
  const ref = { tenant, agent: agentId, revision: revision.agentRevision }

  const run = async (version: number) => {
    if (running.current) return
    running.current = true
    setPristine(form)
    setOutcome({ state: "running" })
    setView("result")
    try {
      const result = await client.testDraft({ ...ref, ifMatch: version, body: requestOf(form) })
      if (result.sessionId) dispatch({ type: "sessionAnswered", sessionId: result.sessionId })
      setExpanded(new Set())
      setCursor(0)
      setResponseView(false)
      setResponseScroll(0)
      setDetail(undefined)
      setOutcome({ state: "done", result })
    } catch (error) {
      const failure = describeError(error)
      setOutcome(failure.tag === "StaleDraft" ? { state: "stale", failure } : { state: "failed", failure })
    } finally {
      running.current = false
    }
  }

  const reloadAndRun = async () => {
    if (running.current) return
    try {
      const fresh = await client.getDraft(ref)
      setDraft(fresh)
      if (fresh) await run(fresh.version)
      else setOutcome({ state: "failed", failure: noDraftFailure(revision.agentRevision) })
    } catch (error) {
      setOutcome({ state: "failed", failure: describeError(error) })
    }
  }

  // A revision with no draft (the deployed one, typically): start one from the revision's own flow.
  const [starting, setStarting] = useState(false)
  const startDraft = async () => {
    if (starting || draft) return
    setStarting(true)
    try {
      setDraft(await client.saveDraft({ ...ref, body: { headData: { flow: revision.flow } } }))
      setOutcome({ state: "idle" })
      setView("form")
    } catch (error) {
      setOutcome({ state: "failed", failure: describeError(error) })
      setView("result")
    } finally {
      setStarting(false)
    }
  }

  const start = () => {
    const problem = formProblem(form)
    if (problem) {
      dispatch({ type: "refuse", message: problem })
      setView("form")
      return
    }
    if (draft) void run(draft.version)
    else {
      setOutcome({ state: "failed", failure: noDraftFailure(revision.agentRevision) })
      setView("result")
    }
  }

  const trace = outcome.state === "done" ? (outcome.result.trace?.traces ?? []) : []
  const rows = visibleSteps(trace, expanded)
  const selectedRow = rows[cursor]
  const toggle = (open: boolean) => {
    if (!selectedRow || selectedRow.step.steps.length === 0) return
    setExpanded((previous) => {
      const next = new Set(previous)
      if (open) next.add(selectedRow.path)
      else next.delete(selectedRow.path)
      return next
    })
  }

  const formHandlers: Handlers = {
    [Command.Up]: () => dispatch({ type: "move", delta: -1 }),
    [Command.Down]: () => dispatch({ type: "move", delta: 1 }),
    [Command.Open]: () => dispatch({ type: "edit" }),
    [Command.Left]: () => fieldAt(form).kind === "mode" && dispatch({ type: "toggleMode" }),
    [Command.Right]: () => fieldAt(form).kind === "mode" && dispatch({ type: "toggleMode" }),
    [Command.Toggle]: () => fieldAt(form).kind === "session" && dispatch({ type: "toggleSession" }),
    [Command.AddParameter]: () => dispatch({ type: "addParameter" }),
    [Command.RemoveParameter]: () => dispatch({ type: "removeParameter" }),
    ...(fieldAt(form).kind === "parameter"
      ? { [Command.RenameParameter]: () => dispatch({ type: "rename" }), [Command.EditMultiline]: () => dispatch({ type: "editMultiline" }) }
      : {}),
    [Command.Run]: start,
    [Command.Back]: leave,
    ...(draft ? {} : { [Command.StartDraft]: () => void startDraft() }),
    ...(outcome.state !== "idle" ? { [Command.NextSection]: () => setView("result") } : {})
  }
  const openStep = () => {
    if (selectedRow) setDetail({ path: selectedRow.path, scroll: 0 })
  }
  const scrollDetail = (delta: number) => setDetail((d) => (d ? { ...d, scroll: Math.max(0, d.scroll + delta) } : d))
  const detailStep = detail ? stepAt(trace, detail.path) : undefined
  const traceHandlers: Handlers = detailStep
    ? {
        [Command.Up]: () => scrollDetail(-1),
        [Command.Down]: () => scrollDetail(1),
        [Command.PageUp]: () => scrollDetail(-10),
        [Command.PageDown]: () => scrollDetail(10),
        [Command.Open]: () => setDetail(undefined),
        [Command.Back]: () => setDetail(undefined)
      }
    : responseView
    ? {
        [Command.Up]: () => setResponseScroll((s) => Math.max(0, s - 1)),
        [Command.Down]: () => setResponseScroll((s) => s + 1),
        [Command.PageUp]: () => setResponseScroll((s) => Math.max(0, s - 10)),
        [Command.PageDown]: () => setResponseScroll((s) => s + 10)
      }
    : {
        [Command.Up]: () => setCursor((c) => Math.max(0, c - 1)),
        [Command.Down]: () => setCursor((c) => Math.min(Math.max(0, rows.length - 1), c + 1)),
        // → opens a step's inner steps, or the step itself when it has none; ← closes them, or goes to the parent.
        [Command.Expand]: () => (selectedRow && selectedRow.step.steps.length > 0 && !expanded.has(selectedRow.path) ? toggle(true) : openStep()),
        [Command.Collapse]: () => {
          if (selectedRow && expanded.has(selectedRow.path)) return toggle(false)
          const parent = selectedRow?.path.split(".").slice(0, -1).join(".")
          const at = parent ? rows.findIndex((row) => row.path === parent) : -1
          if (at >= 0) setCursor(at)
        },
        [Command.Open]: openStep
      }
  const resultHandlers: Handlers = {
    [Command.Back]: leave,
    ...traceHandlers,
    ...(outcome.state === "done" && !detailStep ? { [Command.ViewResponse]: () => setResponseView((v) => !v) } : {}),
    [Command.Run]: start,
    ...(draft ? {} : { [Command.StartDraft]: () => void startDraft() }),
    [Command.EditForm]: () => setView("form"),
    [Command.NextSection]: () => setView("form"),
    ...(outcome.state === "done"
      ? {
          [Command.Curate]: () =>
            navigation.push({ screen: "curate", agentId, executionRecordId: outcome.result.executionRecordId })
        }
      : {}),
    ...(outcome.state === "stale" ? { [Command.Reload]: () => void reloadAndRun() } : {})
  }
  useCommands(view === "form" ? formHandlers : resultHandlers, { active: form.editing === undefined })
  useCommands(
    { [Command.Confirm]: () => navigation.back(), [Command.Back]: () => setConfirmDiscard(false) },
    { active: confirmDiscard, exclusive: true }
  )

  const headLine = draft
    ? `draft v${draft.version} · mode ${form.mode.toLowerCase()}${form.keepSession && form.sessionId ? ` · session ${form.sessionId}` : ""}`
    : starting
      ? `starting a draft from revision ${revision.agentRevision}…`
      : `no draft forked from revision ${revision.agentRevision} · D starts one from it`
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">
        {headLine}
      </Text>
      {view === "form" ? (
        <FormView form={form} dispatch={dispatch} width={size.columns} height={size.rows - 3} />
      ) : (
        <ResultView
          outcome={outcome}
          rows={rows}
          expanded={expanded}
          cursor={cursor}
          responseView={responseView}
          responseScroll={responseScroll}
          detail={detailStep && detail ? { step: detailStep, scroll: detail.scroll } : undefined}
          width={size.columns}
          height={size.rows - 1}
        />
      )}
      {view === "form" && outcome.state !== "idle" ? (
        <Text dimColor>Tab: back to the last result</Text>
      ) : null}
      {confirmDiscard ? (
        <Text color="yellow" bold wrap="wrap">
          Discard your changes to this form? y discards them and goes back · Esc keeps editing
        </Text>
      ) : null}
    </Box>
  )
}

/** The step at a tree path ("0.1": the second inner step of the first step). */
const stepAt = (steps: ReadonlyArray<StepTrace>, path: string): StepTrace | undefined => {
  let found: StepTrace | undefined
  let level = steps
  for (const index of path.split(".").map(Number)) {
    found = level[index]
    if (!found) return undefined
    level = found.steps
  }
  return found
}

const noDraftFailure = (revision: number): Failure => ({
  kind: "api",
  title: "No draft to test",
  detail: `Revision ${revision} has no draft: D starts one from the revision's flow, then r runs it.`,
  status: undefined,
  tag: undefined
})

const FormView = ({
  form,
  dispatch,
  width,
  height
}: {
  readonly form: DraftTestForm
  readonly dispatch: (action: FormAction) => void
  readonly width: number
  readonly height: number
}) => {
  const fields = formFields(form)
  const editing = form.editing
  const multiline = editing?.field === "value" && editing.multiline === true
  // The multi-line editor takes rows of its own; the description and a refusal take one each.
  const editorRows = multiline ? Math.max(3, Math.min(10, height - 6)) : 0
  const room = Math.max(1, height - 2 - (multiline ? editorRows : 0))
  const start = Math.max(0, Math.min(form.cursor - Math.floor(room / 2), fields.length - room))
  const type = (value: string) => dispatch({ type: "type", value })
  const done = () => dispatch({ type: "doneEditing" })
  const cancel = () => dispatch({ type: "cancelEditing" })
  const current = fieldAt(form)
  const currentRow = current.kind === "parameter" ? form.parameters[current.index] : undefined
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">Parameters (* required · Enter edit · m multi-line · n rename · a add · d delete · values are JSON when they parse)</Text>
      {fields.slice(start, start + room).map((field, offset) => {
        const index = start + offset
        const selected = index === form.cursor
        if (field.kind === "parameter") {
          const row = form.parameters[field.index]!
          const editingKey = editing?.field === "key" && editing.index === field.index
          const editingValue = editing?.field === "value" && editing.index === field.index
          return editingKey ? (
            <TextField key={index} label={editing.newRow ? "new name" : "rename"} value={row.key} selected editing width={width} onChange={type} onDone={done} onCancel={cancel} />
          ) : (
            <TextField
              key={index}
              label={rowLabel(row)}
              value={row.value}
              masked={row.secret}
              selected={selected}
              editing={editingValue}
              multiline={editingValue && editing.multiline === true}
              height={editorRows}
              width={width}
              placeholder={row.info?.required ? "(required)" : "(empty)"}
              note={row.info?.type && row.info.type !== "string" ? row.info.type : ""}
              onChange={type}
              onDone={done}
              onCancel={cancel}
            />
          )
        }
        if (field.kind === "environment") {
          return (
            <TextField
              key={index}
              label="environment"
              value={form.environmentSlug}
              selected={selected}
              editing={editing?.field === "environment"}
              width={width}
              placeholder="(default)"
              onChange={type}
              onDone={done}
              onCancel={cancel}
            />
          )
        }
        const text =
          field.kind === "mode"
            ? `${formLabel("mode")}${form.mode === "PRODUCTION" ? "[production] sandbox" : "production [sandbox]"}`
            : `${formLabel("session")}[${form.keepSession ? "x" : " "}] continue the last session${form.sessionId ? ` (${form.sessionId})` : ""}`
        return (
          <Text key={index} inverse={selected} wrap="truncate">
            {selected ? "›" : " "} {text}
          </Text>
        )
      })}
      {form.message ? (
        <Text color="red" wrap="truncate">{`✗ ${form.message}`}</Text>
      ) : (
        <Text dimColor wrap="truncate">
          {currentRow ? parameterHelp(currentRow) : "r run the draft"}
        </Text>
      )}
    </Box>
  )
}

/** The selected parameter in words: its name, what it is for, its type, required or not, its default. */
const parameterHelp = (row: ParameterRow): string => {
  const facts = [
    row.info?.displayName && row.info.displayName !== row.key ? `(${row.key})` : "",
    row.info?.description ?? "",
    [row.info?.type || "", row.info?.required ? "required" : "optional", row.secret ? "secret" : ""].filter(Boolean).join(", ")
  ].filter(Boolean)
  return `${row.info?.displayName || row.key}${facts.length > 0 ? ` ${facts.join(" · ")}` : ""} · r run the draft`
}

const statusColor = (status: string) => (status === "COMPLETED" ? "green" : status === "FAILED" || status === "REJECTED" ? "red" : "yellow")

const ResultView = ({
  outcome,
  rows,
  expanded,
  cursor,
  responseView,
  responseScroll,
  detail,
  width,
  height
}: {
  readonly detail: { readonly step: StepTrace; readonly scroll: number } | undefined
  readonly outcome: Outcome
  readonly rows: ReturnType<typeof visibleSteps>
  readonly expanded: ReadonlySet<string>
  readonly cursor: number
  readonly responseView: boolean
  readonly responseScroll: number
  readonly width: number
  readonly height: number
}) => {
  switch (outcome.state) {
    case "idle":
      return <Text dimColor>Not run yet: r runs the draft.</Text>
    case "running":
      return <Spinner label="Running the draft…" />
    case "failed":
      return <ProblemView failure={outcome.failure} hint="f back to the form · r run again" />
    case "stale":
      return (
        <ProblemView
          failure={{ ...outcome.failure, title: "The draft changed since it was loaded: nothing ran." }}
          hint="R reload the head and run again · f back to the form"
        />
      )
    case "done": {
      const { result } = outcome
      const trace = result.trace
      const wrapped = wrapText(result.response, width)
      const preview = 3
      const room = Math.max(1, height - 2)
      const start = Math.min(responseScroll, Math.max(0, wrapped.length - room))
      const responseLines = responseView ? wrapped.slice(start, start + room) : wrapped.slice(0, preview)
      const more = !responseView && wrapped.length > preview
      return (
        <Box flexDirection="column">
          <Text wrap="truncate">
            <Text color={statusColor(result.status)} bold>
              {result.status}
            </Text>
            {`  cost ${formatCost(trace?.totalCost ?? 0)}  duration ${formatDuration(trace?.duration ?? 0)}  execution ${result.executionRecordId}`}
          </Text>
          {result.humanApprovalRequestId ? (
            <Text color="yellow" wrap="truncate">
              {`paused for a human: approval request ${result.humanApprovalRequestId}`}
            </Text>
          ) : null}
          <Text bold>
            Response
            <Text dimColor>
              {responseView ? ` (lines ${start + 1}–${start + responseLines.length} of ${wrapped.length} · v back to the trace)` : more ? ` (${wrapped.length} lines · v read it all)` : ""}
            </Text>
          </Text>
          {responseLines.map((line, i) => (
            <Text key={i} wrap="truncate">
              {truncate(line, width)}
            </Text>
          ))}
          {detail ? (
            <>
              <Text bold>Step (↑/↓ scroll · Esc or Enter back to the trace)</Text>
              <StepDetail step={detail.step} scroll={detail.scroll} width={width} height={Math.max(2, height - 4 - responseLines.length)} />
            </>
          ) : responseView ? null : (
            <>
              <Text bold>Trace (Enter open a step · → expand · ← collapse · c add to datasets)</Text>
              <TraceTree rows={rows} expanded={expanded} cursor={cursor} height={Math.max(2, height - 5 - responseLines.length)} width={width} focused />
            </>
          )}
        </Box>
      )
    }
  }
}
