/** One labelled line of text; while `editing`, it takes every key (see useTextInput). */
import { Text } from "ink"
import { useTextInput } from "../keys/useTextInput.js"
import { truncate } from "../../format-units.js"

export interface TextFieldProps {
  readonly label: string
  readonly value: string
  readonly selected: boolean
  readonly editing: boolean
  readonly width: number
  /** Secrets show as bullets, also while typed. */
  readonly masked?: boolean
  readonly placeholder?: string
  readonly onChange: (value: string) => void
  readonly onDone: () => void
  readonly onCancel?: () => void
}

export const maskSecret = (value: string): string => "•".repeat(value.length)

export const TextField = (props: TextFieldProps) => {
  useTextInput(
    { value: props.value, onChange: props.onChange, onSubmit: props.onDone, onCancel: props.onCancel ?? props.onDone },
    props.editing
  )
  const shown = props.masked ? maskSecret(props.value) : props.value
  const body = shown.length > 0 ? shown : props.editing ? "" : (props.placeholder ?? "")
  const labelWidth = Math.min(22, Math.max(8, props.label.length + 1))
  const room = Math.max(4, props.width - labelWidth - 4)
  // While typing, show the end of a long value (where the cursor is).
  const visible = props.editing && body.length > room - 1 ? `…${body.slice(body.length - room + 2)}` : truncate(body, room)
  return (
    <Text wrap="truncate" inverse={props.selected && !props.editing}>
      {props.selected ? "›" : " "} {props.label.padEnd(labelWidth).slice(0, labelWidth)}{" "}
      <Text {...(props.editing ? { color: "green" } : {})} dimColor={shown.length === 0 && !props.editing}>
        {visible}
      </Text>
      {props.editing ? <Text color="green">▏</Text> : null}
    </Text>
  )
}
