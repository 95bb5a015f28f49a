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

/** Below this the screens cannot lay out their rows and columns: a plain message instead of a corrupt frame. */
export const MIN_SIZE: TerminalSize = { columns: 60, rows: 14 }

export const tooSmall = (size: TerminalSize): boolean => size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows

export const Frame = ({ title, status, children }: { readonly title: string; readonly status?: string; readonly children: ReactNode }) => {
  const size = useTerminalSize()
  if (tooSmall(size)) {
    return (
      <Box flexDirection="column" width={size.columns}>
        <Text wrap="wrap">{`Terminal too small: ${size.columns}×${size.rows}; fruxkit needs at least ${MIN_SIZE.columns}×${MIN_SIZE.rows}.`}</Text>
        <Text dimColor wrap="wrap">Enlarge the window (q quits).</Text>
      </Box>
    )
  }
  const height = Math.max(6, size.rows - 1)
  const body: TerminalSize = { columns: size.columns, rows: Math.max(1, height - FOOTER_ROWS - TITLE_ROWS) }
  const right = status === undefined ? "" : shortenLabel(status, Math.floor(size.columns / 3))
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

/**
 * The connection label ("embedded /home/me/project/.fruxkit") yields to the
 * title: the mode (its first word) always stays, the path or host gives up
 * its start (its end, the data dir or host, is the telling part).
 */
export const shortenLabel = (label: string, room: number): string => {
  if (label.length <= room) return label
  const space = label.indexOf(" ")
  if (space < 0) return truncate(label, room)
  const mode = label.slice(0, space)
  const where = label.slice(space + 1)
  const left = room - mode.length - 2
  return left < 4 ? truncate(mode, room) : `${mode} …${where.slice(where.length - left)}`
}
