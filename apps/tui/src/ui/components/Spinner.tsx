import { useEffect, useState } from "react"
import { Text } from "ink"

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

export const Spinner = ({ label }: { readonly label: string }) => {
  const [frame, setFrame] = useState(0)
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 120)
    return () => clearInterval(timer)
  }, [])
  return (
    <Text>
      <Text color="yellow">{FRAMES[frame]}</Text> {label}
    </Text>
  )
}
