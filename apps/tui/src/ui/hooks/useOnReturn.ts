/**
 * Screens under the top one stay mounted, so their data would be as old as
 * when they were left. This calls `refresh` when the user comes back to the
 * screen (it becomes the top one again), e.g. to show the sample a curation
 * just added.
 */
import { useContext, useEffect, useRef } from "react"
import { ScreenActiveContext } from "../keys/useCommands.js"

export const useOnReturn = (refresh: () => void): void => {
  const active = useContext(ScreenActiveContext)
  const wasActive = useRef(active)
  const latest = useRef(refresh)
  latest.current = refresh
  useEffect(() => {
    if (active && !wasActive.current) latest.current()
    wasActive.current = active
  }, [active])
}
