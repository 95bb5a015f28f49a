/**
 * A labelled text value; while `editing`, it takes every key (see
 * useTextInput) and shows the cursor. A one-line field scrolls sideways to
 * keep the cursor in view and shows a pasted newline as ⏎; `multiline` edits
 * in a small editor under the label (Enter a new line, Ctrl-D done), for
 * JSON values.
 */
import { Box, Text } from "ink"
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
  /** Dim words after the value (the parameter's type). */
  readonly note?: string
  readonly multiline?: boolean
  /** Rows the multi-line editor may take. */
  readonly height?: number
  readonly onChange: (value: string) => void
  readonly onDone: () => void
  readonly onCancel?: () => void
}

/** Every form lines its values up at this column. */
export const FORM_LABEL_WIDTH = 18

/** A label cut or padded to the form column. */
export const formLabel = (label: string): string => `${label.length >= FORM_LABEL_WIDTH ? `${label.slice(0, FORM_LABEL_WIDTH - 2)}…` : label}`.padEnd(FORM_LABEL_WIDTH)

export const maskSecret = (value: string): string => value.replace(/[^\n]/g, "•")

/** A value on one line: newlines shown as ⏎ (one character each, so the cursor keeps its place). */
export const oneLineView = (value: string): string => value.replace(/\n/g, "⏎")

/** The part of a line around the cursor that fits `room` columns, and where the cursor falls in it. */
export const visibleAround = (text: string, cursor: number, room: number): { text: string; cursor: number } => {
  if (text.length < room) return { text, cursor }
  const start = Math.max(0, Math.min(cursor - Math.floor(room * 0.7), text.length + 1 - room))
  return { text: text.slice(start, start + room), cursor: cursor - start }
}

const WithCursor = ({ text, cursor }: { readonly text: string; readonly cursor: number }) => (
  <>
    <Text color="green">{text.slice(0, cursor)}</Text>
    <Text inverse>{text[cursor] ?? " "}</Text>
    <Text color="green">{text.slice(cursor + 1)}</Text>
  </>
)

export const TextField = (props: TextFieldProps) => {
  const cursor = useTextInput(
    { value: props.value, onChange: props.onChange, onSubmit: props.onDone, onCancel: props.onCancel ?? props.onDone, multiline: props.multiline ?? false },
    props.editing
  )
  const shown = props.masked ? maskSecret(props.value) : props.value
  const room = Math.max(4, props.width - FORM_LABEL_WIDTH - 4)
  const head = `${props.selected ? "›" : " "} ${formLabel(props.label)}`
  if (props.editing && props.multiline) {
    const lines = shown.split("\n")
    const cursorLine = shown.slice(0, cursor).split("\n").length - 1
    const cursorColumn = cursor - (shown.lastIndexOf("\n", cursor - 1) + 1)
    const rows = Math.max(3, props.height ?? 8)
    const first = Math.max(0, Math.min(cursorLine - Math.floor(rows / 2), lines.length - rows))
    const lineRoom = Math.max(10, props.width - 6)
    return (
      <Box flexDirection="column">
        <Text wrap="truncate">
          {head}
          <Text dimColor>{`${lines.length} line${lines.length === 1 ? "" : "s"} · Ctrl-D done · Esc cancel`}</Text>
        </Text>
        {lines.slice(first, first + rows).map((line, offset) => {
          const index = first + offset
          const view = visibleAround(line, index === cursorLine ? cursorColumn : 0, lineRoom)
          return (
            <Text key={index} wrap="truncate">
              {"    │ "}
              {index === cursorLine ? <WithCursor text={view.text} cursor={view.cursor} /> : <Text>{view.text}</Text>}
            </Text>
          )
        })}
      </Box>
    )
  }
  if (props.editing) {
    const view = visibleAround(oneLineView(shown), cursor, room)
    return (
      <Text wrap="truncate">
        {head}
        <WithCursor text={view.text} cursor={view.cursor} />
      </Text>
    )
  }
  const body = shown.length > 0 ? oneLineView(shown) : (props.placeholder ?? "")
  return (
    <Text wrap="truncate" inverse={props.selected}>
      {head}
      <Text dimColor={shown.length === 0}>{truncate(body, room)}</Text>
      {props.note ? <Text dimColor>{`  ${props.note}`}</Text> : null}
    </Text>
  )
}
