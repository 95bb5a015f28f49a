/** Past evaluation runs of an agent, a page at a time (the API's cursor paging); Enter opens one. */
import { useState } from "react"
import { Box, Text } from "ink"
import { Frame, useBodySize } from "../components/Frame.js"
import { ProblemView } from "../components/ProblemView.js"
import { SelectList, moveSelection } from "../components/SelectList.js"
import { Spinner } from "../components/Spinner.js"
import { Command } from "../keys/bindings.js"
import { useCommands } from "../keys/useCommands.js"
import { useLoad } from "../hooks/useLoad.js"
import { useOnReturn } from "../hooks/useOnReturn.js"
import { useApi } from "../state/ApiContext.js"
import { useNavigation } from "../state/NavigationContext.js"
import { runLine } from "./AgentScreen.js"
import { plural } from "../../sample-counts.js"

export const HistoryScreen = ({ agentId }: { readonly agentId: string }) => {
  const { client, tenant, label } = useApi()
  const navigation = useNavigation()
  const size = useBodySize()
  const pageSize = Math.max(5, size.rows - 3)
  // Cursors of the pages seen so far: going back re-reads the page from its cursor.
  const [cursors, setCursors] = useState<ReadonlyArray<string | undefined>>([undefined])
  const cursor = cursors[cursors.length - 1]
  const page = useLoad(
    (signal) =>
      client.listEvaluationRunsPage(
        { tenant, agent: agentId, query: { PageSize: pageSize, ...(cursor ? { "PageToken.Cursor": cursor } : {}) } },
        { signal }
      ),
    [client, tenant, agentId, cursor, pageSize]
  )
  const datasets = useLoad(
    (signal) => client.listDatasets({ tenant, agent: agentId }, { signal }).then((list) => new Map(list.map((d) => [d.id, d.name])), () => new Map<string, string>()),
    [client, tenant, agentId]
  )
  const [selected, setSelected] = useState(0)
  // Space marks a run as the base of a comparison; `c` compares it with the selected one.
  const [marked, setMarked] = useState<string | undefined>(undefined)
  // While another page loads, the old one is not shown (nor opened).
  const shown = page.status === "ready" ? page.value : undefined
  const runs = shown?.items ?? []
  useOnReturn(page.reload)
  useCommands({
    [Command.Up]: () => setSelected((s) => moveSelection(s, -1, runs.length)),
    [Command.Down]: () => setSelected((s) => moveSelection(s, 1, runs.length)),
    [Command.Open]: () => {
      const run = runs[selected]
      if (run) navigation.push({ screen: "run", agentId, runId: run.id })
    },
    ...(shown?.nextPageToken
      ? {
          [Command.NextPage]: () => {
            setCursors((c) => [...c, shown.nextPageToken])
            setSelected(0)
          }
        }
      : {}),
    ...(cursors.length > 1
      ? {
          [Command.PreviousPage]: () => {
            setCursors((c) => c.slice(0, -1))
            setSelected(0)
          }
        }
      : {}),
    [Command.Toggle]: () => {
      const run = runs[selected]
      if (run) setMarked((m) => (m === run.id ? undefined : run.id))
    },
    ...(marked
      ? {
          [Command.Compare]: () => {
            const run = runs[selected]
            if (run && run.id !== marked) navigation.push({ screen: "compare", agentId, baseRunId: marked, headRunId: run.id })
          }
        }
      : {}),
    [Command.Reload]: page.reload
  })
  return (
    <Frame title={`${agentId} · evaluation history`} status={label}>
      {page.status === "failed" ? <ProblemView failure={page.failure} hint="R reload" /> : null}
      {page.status === "loading" ? <Spinner label="Loading runs…" /> : null}
      {shown ? (
        <Box flexDirection="column">
          <Text dimColor wrap="truncate">{`page ${cursors.length} · ${plural(shown.totalCount, "run")} in all`}</Text>
          <SelectList items={runs} selected={selected} height={size.rows - 3} width={size.columns} render={(run) => `${run.id === marked ? "◆" : " "}${runLine(run, datasets.value)}`} empty="No evaluation runs yet." />
          <Text dimColor wrap="truncate">
            {runs[selected] ? `id ${runs[selected].id}` : " "}
            {marked ? `  · base ◆ ${marked.slice(0, 8)}: c compares it with the selected run` : "  · Space marks a run to compare"}
          </Text>
        </Box>
      ) : null}
    </Frame>
  )
}
