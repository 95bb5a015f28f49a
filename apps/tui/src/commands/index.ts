import type { CommandDefinition } from "./command.js"
import { addCommand } from "./add-command.js"
import { agentsCommand } from "./agents-command.js"
import { cancelCommand } from "./cancel-command.js"
import { compareCommand } from "./compare-command.js"
import { datasetsCommand, datasetsCreateCommand } from "./datasets-commands.js"
import { deployCommand } from "./deploy-command.js"
import { completionCommand } from "./completion-command.js"
import { describeCommand } from "./describe-command.js"
import { draftPullCommand, draftPushCommand, draftValidateCommand } from "./draft-file-commands.js"
import { draftEvaluateCommand, draftTestCommand } from "./draft-run-commands.js"
import { evalCommand } from "./eval-command.js"
import { revisionsCreateCommand } from "./revisions-create-command.js"
import { runCommand } from "./run-command.js"
import { runsCommand } from "./runs-command.js"
import { testCommand } from "./test-command.js"
import { viewCommand } from "./view-command.js"

/** Every scriptable command, in the order `--help` lists them. */
export const commands: ReadonlyArray<CommandDefinition> = [
  testCommand,
  addCommand,
  evalCommand,
  runsCommand,
  runCommand,
  compareCommand,
  deployCommand,
  cancelCommand,
  agentsCommand,
  datasetsCommand,
  datasetsCreateCommand,
  draftPullCommand,
  draftPushCommand,
  draftValidateCommand,
  draftTestCommand,
  draftEvaluateCommand,
  revisionsCreateCommand,
  viewCommand,
  describeCommand(() => commands),
  completionCommand(() => commands)
]

export const findCommand = (name: string): CommandDefinition | undefined => commands.find((c) => c.name === name)
