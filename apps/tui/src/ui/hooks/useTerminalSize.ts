/** The terminal's size, following resizes; 80×24 when the output is not a terminal. */
import { createContext, useContext, useEffect, useState } from "react"
import { useStdout } from "ink"

export interface TerminalSize {
  readonly columns: number
  readonly rows: number
}

/** Tests pin a size here; otherwise the real stdout decides. */
export const FixedSizeContext = createContext<TerminalSize | undefined>(undefined)

const read = (stdout: NodeJS.WriteStream): TerminalSize => ({
  columns: stdout.columns > 0 ? stdout.columns : 80,
  rows: stdout.rows > 0 ? stdout.rows : 24
})

export const useTerminalSize = (): TerminalSize => {
  const fixed = useContext(FixedSizeContext)
  const { stdout } = useStdout()
  const [size, setSize] = useState(() => read(stdout))
  useEffect(() => {
    if (fixed) return
    const onResize = () => setSize(read(stdout))
    stdout.on("resize", onResize)
    return () => {
      stdout.off("resize", onResize)
    }
  }, [stdout, fixed])
  return fixed ?? size
}
