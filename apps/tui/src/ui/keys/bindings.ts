/**
 * Every key the app understands, in one table: `Command` → its bindings and
 * the words the footer and the `?` help show for it. Screens never test raw
 * keys; they name commands and `matches` decides.
 */
import type { Key } from "ink"

export const Command = {
  Quit: "quit",
  Help: "help",
  Back: "back",
  Up: "up",
  Down: "down",
  PageUp: "pageUp",
  PageDown: "pageDown",
  Left: "left",
  Right: "right",
  Open: "open",
  Toggle: "toggle",
  NextSection: "nextSection",
  Reload: "reload",
  Run: "run",
  DraftTest: "draftTest",
  Evaluate: "evaluate",
  History: "history",
  Curate: "curate",
  AddParameter: "addParameter",
  RemoveParameter: "removeParameter",
  EditForm: "editForm",
  Sort: "sort",
  CancelRun: "cancelRun",
  NextPage: "nextPage",
  PreviousPage: "previousPage",
  ViewResponse: "viewResponse",
  Expand: "expand",
  Collapse: "collapse",
  RenameParameter: "renameParameter",
  EditMultiline: "editMultiline",
  Confirm: "confirm",
  StartDraft: "startDraft",
  NewDataset: "newDataset",
  Compare: "compare",
  EditDraft: "editDraft",
  EvaluateDraft: "evaluateDraft",
  SaveDraft: "saveDraft",
  ExternalEditor: "externalEditor",
  SaveRevision: "saveRevision",
  Deploy: "deploy"
} as const
export type Command = (typeof Command)[keyof typeof Command]

type KeyName = "upArrow" | "downArrow" | "leftArrow" | "rightArrow" | "pageUp" | "pageDown" | "return" | "escape" | "tab"

export interface Binding {
  /** A printable character, compared exactly (so `R` is not `r`). */
  readonly input?: string
  readonly key?: KeyName
  /** How the footer and help write it. */
  readonly label: string
}

export interface CommandSpec {
  readonly bindings: ReadonlyArray<Binding>
  /** Short, for the footer. */
  readonly hint: string
  /** A sentence, for `?` help and the README. */
  readonly description: string
}

export const commandTable: Readonly<Record<Command, CommandSpec>> = {
  [Command.Quit]: { bindings: [{ input: "q", label: "q" }], hint: "quit", description: "Quit fruxkit (Ctrl-C also works)" },
  [Command.Help]: { bindings: [{ input: "?", label: "?" }], hint: "help", description: "Show or hide this help" },
  [Command.Back]: { bindings: [{ key: "escape", label: "Esc" }], hint: "back", description: "Go back to the previous screen" },
  [Command.Up]: {
    bindings: [{ key: "upArrow", label: "↑" }, { input: "k", label: "k" }],
    hint: "up",
    description: "Move the selection up"
  },
  [Command.Down]: {
    bindings: [{ key: "downArrow", label: "↓" }, { input: "j", label: "j" }],
    hint: "down",
    description: "Move the selection down"
  },
  [Command.PageUp]: { bindings: [{ key: "pageUp", label: "PgUp" }], hint: "page up", description: "Scroll a page up" },
  [Command.PageDown]: { bindings: [{ key: "pageDown", label: "PgDn" }], hint: "page down", description: "Scroll a page down" },
  [Command.Left]: { bindings: [{ key: "leftArrow", label: "←" }], hint: "prev", description: "Previous value or item" },
  [Command.Right]: { bindings: [{ key: "rightArrow", label: "→" }], hint: "next", description: "Next value or item" },
  [Command.Open]: {
    bindings: [{ key: "return", label: "Enter" }],
    hint: "open",
    description: "Open or edit the selected item (a trace step: its prompts, messages, tokens and result)"
  },
  [Command.Toggle]: { bindings: [{ input: " ", label: "Space" }], hint: "toggle", description: "Select or unselect" },
  [Command.NextSection]: { bindings: [{ key: "tab", label: "Tab" }], hint: "section", description: "Move to the next section or view" },
  [Command.Reload]: { bindings: [{ input: "R", label: "R" }], hint: "reload", description: "Reload from the API (after a stale draft: reload its head and run again)" },
  [Command.Run]: { bindings: [{ input: "r", label: "r" }], hint: "run", description: "Run: the draft test or the evaluation" },
  [Command.DraftTest]: { bindings: [{ input: "t", label: "t" }], hint: "test draft", description: "Test the draft forked from the selected revision" },
  [Command.Evaluate]: { bindings: [{ input: "e", label: "e" }], hint: "evaluate", description: "Evaluate a candidate against the deployed revision" },
  [Command.History]: { bindings: [{ input: "h", label: "h" }], hint: "history", description: "Past evaluation runs of the agent" },
  [Command.Curate]: { bindings: [{ input: "c", label: "c" }], hint: "curate", description: "Add the execution to datasets" },
  [Command.AddParameter]: { bindings: [{ input: "a", label: "a" }], hint: "add param", description: "Add a parameter row" },
  [Command.RemoveParameter]: { bindings: [{ input: "d", label: "d" }], hint: "del param", description: "Delete the selected parameter row" },
  [Command.EditForm]: { bindings: [{ input: "f", label: "f" }], hint: "form", description: "Back to the form" },
  [Command.Sort]: { bindings: [{ input: "s", label: "s" }], hint: "sort", description: "Sort samples by score or by regression" },
  [Command.CancelRun]: { bindings: [{ input: "x", label: "x" }], hint: "cancel run", description: "Cancel the running evaluation" },
  [Command.NextPage]: { bindings: [{ input: "n", label: "n" }], hint: "next page", description: "Next page" },
  [Command.PreviousPage]: { bindings: [{ input: "p", label: "p" }], hint: "prev page", description: "Previous page" },
  [Command.ViewResponse]: {
    bindings: [{ input: "v", label: "v" }],
    hint: "response",
    description: "Read the whole response (v again: back to the trace)"
  },
  [Command.Expand]: { bindings: [{ key: "rightArrow", label: "→" }], hint: "expand", description: "Expand the selected step (a step without inner steps: open it)" },
  [Command.Collapse]: { bindings: [{ key: "leftArrow", label: "←" }], hint: "collapse", description: "Collapse the selected step (or go to the step it is in)" },
  [Command.RenameParameter]: { bindings: [{ input: "n", label: "n" }], hint: "rename", description: "Rename the selected parameter" },
  [Command.EditMultiline]: {
    bindings: [{ input: "m", label: "m" }],
    hint: "multi-line",
    description: "Edit the selected value in a multi-line editor (JSON; Ctrl-D done)"
  },
  [Command.Confirm]: { bindings: [{ input: "y", label: "y" }], hint: "yes", description: "Yes: do what was asked (discard the changes, deploy)" },
  [Command.StartDraft]: {
    bindings: [{ input: "D", label: "D" }],
    hint: "new draft",
    description: "Start a draft from the selected revision (when it has none)"
  },
  [Command.NewDataset]: { bindings: [{ input: "N", label: "N" }], hint: "new dataset", description: "Create a dataset for the agent" },
  [Command.Compare]: {
    bindings: [{ input: "c", label: "c" }],
    hint: "compare",
    description: "Compare the marked run (Space) with the selected one, sample by sample"
  },
  [Command.EditDraft]: { bindings: [{ input: "d", label: "d" }], hint: "draft", description: "Open the draft: its prompts and parameters, saved with the version guard" },
  [Command.EvaluateDraft]: {
    bindings: [{ input: "E", label: "E" }],
    hint: "evaluate draft",
    description: "Evaluate the draft head (pinned) against the deployed revision"
  },
  [Command.SaveDraft]: { bindings: [{ input: "w", label: "w" }], hint: "save", description: "Save the edited draft (If-Match: the version you loaded)" },
  [Command.ExternalEditor]: { bindings: [{ input: "o", label: "o" }], hint: "$EDITOR", description: "Edit the whole draft head as JSON in $EDITOR" },
  [Command.SaveRevision]: { bindings: [{ input: "S", label: "S" }], hint: "save as revision", description: "Save the draft head this run scored as a new revision" },
  [Command.Deploy]: { bindings: [{ input: "D", label: "D" }], hint: "deploy", description: "Deploy that revision (asks first)" }
}

/** Commands every screen has; the footer lists them last. */
export const globalCommands: ReadonlyArray<Command> = [Command.Help, Command.Back, Command.Quit]

export const matches = (command: Command, input: string, key: Key): boolean =>
  commandTable[command].bindings.some((binding) => {
    // Ink reports Esc with `meta` set, so meta only disqualifies printable bindings.
    if (binding.key !== undefined) return key[binding.key] && !key.ctrl
    return binding.input === input && !key.ctrl && !key.meta
  })

export const keyLabel = (command: Command): string =>
  commandTable[command].bindings.map((binding) => binding.label).join("/")
