/**
 * A draft: base revision, version and when it changed; its prompts and
 * parameter defaults edited in place (Enter), the whole head as JSON in
 * $EDITOR (o). `w` saves with If-Match set to the version loaded: when the
 * head moved on meanwhile nothing is written and R reloads it. `E`
 * evaluates the saved head (pinned by the server) and opens its run.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { useState } from "react"
import { Box, Text } from "ink"
import type { AgentDraft, AgentRevision } from "@fruxkit/core"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { moveSelection } from "../components/SelectList.js"
import { Spinner } from "../components/Spinner.js"
import { TextField } from "../components/TextField.js"
import { Command } from "../keys/bindings.js"
import { useCommands, type Handlers } from "../keys/useCommands.js"
import { useLoad } from "../hooks/useLoad.js"
import { useApi } from "../state/ApiContext.js"
import { useNavigation } from "../state/NavigationContext.js"
import { applyEdit, editableFields, effectiveHead, parseEditedHead, type HeadData } from "../state/draftEditor.js"
import { describeError, type Failure } from "../../describe-error.js"
import { formatTime } from "../../format-units.js"

export const DraftScreen = ({ agentId, revision }: { readonly agentId: string; readonly revision: number }) => {
  const { client, tenant, label } = useApi()
  const [loads, setLoads] = useState(0)
  const loaded = useLoad(
    async (signal) => {
      const ref = { tenant, agent: agentId, revision }
      const [base, draft] = await Promise.all([client.getRevision(ref, { signal }), client.getDraft(ref, { signal })])
      return { base, draft }
    },
    [client, tenant, agentId, revision, loads]
  )
  const reload = () => setLoads((n) => n + 1)
  const value = loaded.status === "ready" ? loaded.value : undefined
  return (
    <Frame title={`${agentId} · draft of rev ${revision}`} status={label}>
      {loaded.status === "failed" ? <ProblemView failure={loaded.failure} hint="Esc back" /> : null}
      {loaded.status === "loading" ? <Spinner label="Loading the draft…" /> : null}
      {value ? <DraftEditor key={loads} agentId={agentId} revision={revision} base={value.base} draft={value.draft} onReload={reload} /> : null}
    </Frame>
  )
}

type Busy = "saving" | "evaluating" | undefined

const isStale = (failure: Failure): boolean =>
  failure.tag === "StaleDraft" || failure.tag === "Conflict" || failure.status === 409 || failure.status === 412 || failure.status === 428

const DraftEditor = ({
  agentId,
  revision,
  base,
  draft,
  onReload
}: {
  readonly agentId: string
  readonly revision: number
  readonly base: AgentRevision
  readonly draft: AgentDraft | null
  readonly onReload: () => void
}) => {
  const { client, tenant } = useApi()
  const navigation = useNavigation()
  const size = useBodySize()
  const [head, setHead] = useState<HeadData>(() => effectiveHead(draft?.headData ?? {}, base))
  const [version, setVersion] = useState<number | null>(draft?.version ?? null)
  const [updatedAt, setUpdatedAt] = useState<number | null>(draft?.updatedAt ?? null)
  const [dirty, setDirty] = useState(false)
  const [selected, setSelected] = useState(0)
  const [editing, setEditing] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState<Busy>(undefined)
  /** What a moved head stopped: the save or the evaluation. */
  const [stale, setStale] = useState<"saved" | "run" | undefined>(undefined)
  const [failure, setFailure] = useState<Failure | undefined>(undefined)
  const [message, setMessage] = useState<string | undefined>(undefined)
  const fields = editableFields(head)
  const ref = { tenant, agent: agentId, revision }

  const fail = (error: unknown, stopped: "saved" | "run") => {
    const described = describeError(error)
    if (isStale(described)) setStale(stopped)
    else setFailure(described)
  }

  const save = async () => {
    setBusy("saving")
    setFailure(undefined)
    try {
      const saved = await client.saveDraft({ ...ref, ...(version !== null ? { ifMatch: version } : {}), body: { headData: head } })
      setVersion(saved.version)
      setUpdatedAt(saved.updatedAt)
      setDirty(false)
      setMessage(`saved: version ${saved.version}`)
    } catch (error) {
      fail(error, "saved")
    } finally {
      setBusy(undefined)
    }
  }

  const evaluate = async () => {
    if (dirty) return setMessage("unsaved changes: save them (w) before evaluating the draft")
    if (version === null) return setMessage("there is no draft yet: edit and save (w) to create one")
    setBusy("evaluating")
    setFailure(undefined)
    try {
      const run = await client.evaluateDraft({ ...ref, ifMatch: version, body: {} })
      navigation.push({ screen: "run", agentId, runId: run.id, initial: run })
    } catch (error) {
      fail(error, "run")
    } finally {
      setBusy(undefined)
    }
  }

  // The whole head as JSON: everything the in-place fields do not cover.
  const openEditor = () => {
    const file = path.join(os.tmpdir(), `fruxkit-draft-${process.pid}-${Date.now()}.json`)
    fs.writeFileSync(file, `${JSON.stringify(head, null, 2)}\n`, { mode: 0o600 })
    try {
      const editor = process.env.VISUAL || process.env.EDITOR || "vi"
      const result = spawnSync(`${editor} "${file}"`, { shell: true, stdio: "inherit" })
      if (result.status !== 0) return setMessage(`${editor} exited with ${result.status ?? result.signal}; the draft is unchanged`)
      const edited = parseEditedHead(fs.readFileSync(file, "utf8"))
      if ("error" in edited) return setMessage(`the edited draft was not used: ${edited.error}`)
      setHead(edited.head)
      setDirty(true)
      setMessage("edited in $EDITOR: w saves it")
    } finally {
      fs.rmSync(file, { force: true })
    }
  }

  const handlers: Handlers = stale
    ? { [Command.Reload]: onReload }
    : editing !== undefined || busy
      ? {}
      : {
          [Command.Up]: () => setSelected((s) => moveSelection(s, -1, fields.length)),
          [Command.Down]: () => setSelected((s) => moveSelection(s, 1, fields.length)),
          [Command.Open]: () => {
            const field = fields[selected]
            if (field) setEditing(field.value)
          },
          [Command.SaveDraft]: () => void save(),
          [Command.ExternalEditor]: openEditor,
          [Command.EvaluateDraft]: () => void evaluate(),
          [Command.DraftTest]: () => navigation.push({ screen: "draftTest", agentId, revision }),
          ...(dirty ? {} : { [Command.Reload]: onReload })
        }
  useCommands(handlers)

  const rows = Math.max(1, size.rows - 5)
  const first = Math.min(Math.max(0, selected - Math.floor(rows / 2)), Math.max(0, fields.length - rows))
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {version === null
          ? `no draft on rev ${revision} yet: these are the revision's prompts; w creates the draft`
          : `draft on rev ${draft?.baseRevision ?? revision} · version ${version} · updated ${updatedAt ? formatTime(updatedAt) : "—"}`}
        {dirty ? <Text color="yellow"> · unsaved changes</Text> : null}
      </Text>
      {stale ? (
        <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
          <Text color="yellow" bold wrap="wrap">
            The draft changed on the server since version {version ?? "(none)"} was loaded: nothing was {stale}.
          </Text>
          <Text wrap="wrap">R reloads the head (your unsaved edits are dropped) · Esc back</Text>
        </Box>
      ) : null}
      {failure ? <ProblemView failure={failure} /> : null}
      {busy ? <Spinner label={busy === "saving" ? "Saving the draft…" : "Starting the draft evaluation…"} /> : null}
      {fields.length === 0 ? <Text dimColor>(no prompts or parameters here: o edits the whole draft as JSON)</Text> : null}
      {fields.slice(first, first + rows).map((field, offset) => {
        const index = first + offset
        const isEditing = editing !== undefined && index === selected
        return (
          <TextField
            key={field.label + index}
            label={field.label}
            value={isEditing ? editing : field.value}
            selected={index === selected}
            editing={isEditing}
            width={size.columns}
            placeholder="(empty)"
            onChange={setEditing}
            onDone={() => {
              if (editing !== undefined && editing !== field.value) {
                setHead((h) => applyEdit(h, field, editing))
                setDirty(true)
                setMessage(undefined)
              }
              setEditing(undefined)
            }}
            onCancel={() => setEditing(undefined)}
          />
        )
      })}
      <Text dimColor wrap="truncate">{message ?? " "}</Text>
    </Box>
  )
}
