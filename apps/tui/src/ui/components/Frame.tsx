/**
 * Every screen's layout: a title line, the body, and the footer, sized to the
 * terminal. The frame stays one row shorter than the terminal: Ink redraws the
 * whole screen when its output reaches the last row, and we want line updates.
 */
import { createContext, useContext, type ReactNode } from "react"
import { Box, Text } from "ink"
import { useTerminalSize, type TerminalSize } from "../hooks/useTerminalSize.js"
import { Footer } from "./Footer.js"
import { truncate } from "../../format-units.js"

const FOOTER_ROWS = 2
const TITLE_ROWS = 1

const BodySizeContext = createContext<TerminalSize>({ columns: 80, rows: 20 })

/** The space a screen's body has. */
export const useBodySize = (): TerminalSize => useContext(BodySizeContext)

export const Frame = ({ title, status, children }: { readonly title: string; readonly status?: string; readonly children: ReactNode }) => {
  const size = useTerminalSize()
  const height = Math.max(6, size.rows - 1)
  const body: TerminalSize = { columns: size.columns, rows: Math.max(1, height - FOOTER_ROWS - TITLE_ROWS) }
  // The connection label yields to the title: keep its end (the data dir or host is the telling part).
  const room = Math.floor(size.columns / 3)
  const right = status === undefined ? "" : status.length > room ? `…${status.slice(status.length - room + 1)}` : status
  return (
    <Box flexDirection="column" width={size.columns} height={height}>
      <Box height={TITLE_ROWS} width={size.columns}>
        <Box flexGrow={1}>
          <Text bold color="cyan" wrap="truncate">
            {truncate(`fruxkit · ${title}`, Math.max(10, size.columns - right.length - 1))}
          </Text>
        </Box>
        <Text dimColor wrap="truncate">
          {right}
        </Text>
      </Box>
      <Box flexDirection="column" height={body.rows} overflow="hidden">
        <BodySizeContext.Provider value={body}>{children}</BodySizeContext.Provider>
      </Box>
      <Box height={FOOTER_ROWS}>
        <Footer width={size.columns} />
      </Box>
    </Box>
  )
}
