/** The tenant's agents; Enter opens one. */
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

export const AgentsScreen = () => {
  const { client, tenant, label } = useApi()
  const navigation = useNavigation()
  const agents = useLoad((signal) => client.listAgents({ tenant }, { signal }), [client, tenant])
  const [selected, setSelected] = useState(0)
  const items = agents.value ?? []
  useOnReturn(agents.reload)
  useCommands({
    [Command.Up]: () => setSelected((s) => moveSelection(s, -1, items.length)),
    [Command.Down]: () => setSelected((s) => moveSelection(s, 1, items.length)),
    [Command.Open]: () => {
      const agent = items[selected]
      if (agent) navigation.push({ screen: "agent", agentId: agent.id })
    },
    [Command.Reload]: agents.reload
  })
  return (
    <Frame title={`agents of ${tenant}`} status={label}>
      <Body>
        {agents.status === "failed" ? <ProblemView failure={agents.failure} hint="R reload" /> : null}
        {agents.status === "loading" && items.length === 0 ? <Spinner label="Loading agents…" /> : null}
        {agents.value ? (
          <AgentList
            selected={selected}
            items={agents.value.map((a) => `${a.id.padEnd(20)} rev ${String(a.currentRevision).padEnd(4)} ${a.displayName}`)}
          />
        ) : null}
      </Body>
    </Frame>
  )
}

const Body = ({ children }: { readonly children: React.ReactNode }) => <Box flexDirection="column">{children}</Box>

const AgentList = ({ items, selected }: { readonly items: ReadonlyArray<string>; readonly selected: number }) => {
  const size = useBodySize()
  return (
    <Box flexDirection="column">
      <Text dimColor>{`  ${"agent".padEnd(20)} deployed  name`}</Text>
      <SelectList items={items} selected={selected} height={size.rows - 1} width={size.columns} render={(line) => line} empty="No agents." />
    </Box>
  )
}
