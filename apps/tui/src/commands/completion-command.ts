/** `fruxkit completion bash|zsh|fish`: a completion script written from the command declarations. */
import { print, type CommandDefinition } from "./command.js"
import { globalFlags, type Flags } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"

const SHELLS = ["bash", "zsh", "fish"] as const

const flagNames = (flags: Flags): Array<string> => Object.keys({ ...flags, ...globalFlags }).map((name) => `--${name}`)

/** Two-word commands (`draft push`) are a group word, then the command's own word. */
const splitName = (c: CommandDefinition): { readonly group: string | undefined; readonly word: string } => {
  const [first, second] = c.name.split(" ")
  return second === undefined ? { group: undefined, word: first! } : { group: first!, word: second }
}

const firstWords = (commands: ReadonlyArray<CommandDefinition>): Array<string> => [...new Set(commands.map((c) => c.name.split(" ")[0]!))]

const bashScript = (commands: ReadonlyArray<CommandDefinition>): string => {
  const groups = new Map<string, Array<CommandDefinition>>()
  for (const c of commands) {
    const { group } = splitName(c)
    if (group !== undefined) groups.set(group, [...(groups.get(group) ?? []), c])
  }
  const single = commands.filter((c) => splitName(c).group === undefined).map((c) => `    ${c.name}) words="${flagNames(c.flags).join(" ")}" ;;`)
  const grouped = [...groups].map(([group, members]) => {
    const inner = members.map((c) => `        ${splitName(c).word}) words="${flagNames(c.flags).join(" ")}" ;;`).join("\n")
    return `    ${group})\n      case "\${COMP_WORDS[2]}" in\n${inner}\n        *) words="${members.map((c) => splitName(c).word).join(" ")}" ;;\n      esac ;;`
  })
  const cases = [...single, ...grouped].join("\n")
  return `# fruxkit completion (bash): eval "$(fruxkit completion bash)"
_fruxkit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" words
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${firstWords(commands).join(" ")} help --help --version" -- "$cur") )
    return
  fi
  case "$prev" in
    -o|--output) COMPREPLY=( $(compgen -W "json ndjson table csv" -- "$cur") ); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
    help) words="${firstWords(commands).join(" ")}" ;;
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _fruxkit fruxkit
`
}

const zshScript = (commands: ReadonlyArray<CommandDefinition>): string =>
  `#compdef fruxkit
# fruxkit completion (zsh): eval "$(fruxkit completion zsh)"; zsh runs the bash completion through bashcompinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(commands)}`

const fishQuote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`

const fishScript = (commands: ReadonlyArray<CommandDefinition>): string => {
  const groupWords = (group: string) => commands.filter((c) => splitName(c).group === group).map((c) => splitName(c).word)
  const lines = [
    "# fruxkit completion (fish): fruxkit completion fish | source",
    "complete -c fruxkit -f",
    ...commands.flatMap((c) => {
      const { group, word } = splitName(c)
      if (group === undefined) return [`complete -c fruxkit -n __fish_use_subcommand -a ${word} -d ${fishQuote(c.summary)}`]
      return [
        `complete -c fruxkit -n __fish_use_subcommand -a ${group}`,
        `complete -c fruxkit -n '__fish_seen_subcommand_from ${group}; and not __fish_seen_subcommand_from ${groupWords(group).join(" ")}' -a ${word} -d ${fishQuote(c.summary)}`
      ]
    })
  ]
  for (const c of commands) {
    const { group, word } = splitName(c)
    const seen = group === undefined ? `__fish_seen_subcommand_from ${word}` : `__fish_seen_subcommand_from ${group}; and __fish_seen_subcommand_from ${word}`
    for (const [name, spec] of Object.entries({ ...c.flags, ...globalFlags })) {
      const choices = spec.check?.kind === "choice" ? ` -a ${fishQuote(spec.check.choices.join(" "))}` : ""
      lines.push(
        `complete -c fruxkit -n '${seen}' -l ${name}${spec.short ? ` -s ${spec.short}` : ""}${spec.type === "string" ? " -r" : ""}${choices} -d ${fishQuote(spec.description)}`
      )
    }
  }
  return `${[...new Set(lines)].join("\n")}\n`
}

export const completionCommand = (all: () => ReadonlyArray<CommandDefinition>): CommandDefinition => ({
  name: "completion",
  summary: "Print a shell completion script: bash, zsh or fish",
  usage: "fruxkit completion bash|zsh|fish",
  flags: {},
  args: [{ name: "SHELL", required: true, description: "bash, zsh or fish" }],
  examples: [
    { command: 'eval "$(fruxkit completion bash)"', says: "completion in this bash session (add it to ~/.bashrc to keep it)" },
    { command: "fruxkit completion fish > ~/.config/fish/completions/fruxkit.fish", says: "fish" }
  ],
  run: async (context) => {
    const shell = context.positionals[0] ?? ""
    if (!(SHELLS as ReadonlyArray<string>).includes(shell)) throw new UsageError(`completion takes bash, zsh or fish, got "${shell}"`)
    const commands = all()
    print(context, shell === "bash" ? bashScript(commands) : shell === "zsh" ? zshScript(commands) : fishScript(commands))
    return ExitCode.Ok
  }
})
