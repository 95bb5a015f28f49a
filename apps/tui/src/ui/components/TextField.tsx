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

/** Every form lines its values up at this column. */
export const FORM_LABEL_WIDTH = 18

/** A label cut or padded to the form column. */
export const formLabel = (label: string): string => `${label.length >= FORM_LABEL_WIDTH ? `${label.slice(0, FORM_LABEL_WIDTH - 2)}…` : label}`.padEnd(FORM_LABEL_WIDTH)

export const maskSecret = (value: string): string => "•".repeat(value.length)

export const TextField = (props: TextFieldProps) => {
  useTextInput(
    { value: props.value, onChange: props.onChange, onSubmit: props.onDone, onCancel: props.onCancel ?? props.onDone },
    props.editing
  )
  const shown = props.masked ? maskSecret(props.value) : props.value
  const body = shown.length > 0 ? shown : props.editing ? "" : (props.placeholder ?? "")
  const room = Math.max(4, props.width - FORM_LABEL_WIDTH - 4)
  // While typing, show the end of a long value (where the cursor is).
  const visible = props.editing && body.length > room - 1 ? `…${body.slice(body.length - room + 2)}` : truncate(body, room)
  return (
    <Text wrap="truncate" inverse={props.selected && !props.editing}>
      {props.selected ? "›" : " "} {formLabel(props.label)}
      <Text {...(props.editing ? { color: "green" } : {})} dimColor={shown.length === 0 && !props.editing}>
        {visible}
      </Text>
      {props.editing ? <Text color="green">▏</Text> : null}
    </Text>
  )
}
