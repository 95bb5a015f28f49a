/**
 * `fruxkit eval`: start an evaluation of a candidate (a revision or an
 * external agent) against the deployed revision; with `--wait`, follow it and
 * judge it against `--fail-under`.
 */
import { SECRET_EXTERNAL_CONFIG_KEYS } from "@fruxkit/core"
import { print, printJson, resolveDatasets, type CommandDefinition } from "./command.js"
import { durationFlag, integerFlag, listFlag, numberFlag, pairs, requiredString, stringFlag } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { runSummaryText, verdictOf } from "./run-summary.js"
import { waitForRun } from "./wait-for-run.js"
import { evaluateRequest, type EvaluateForm } from "../ui/state/evaluateForm.js"

export const evalCommand: CommandDefinition = {
  name: "eval",
  summary: "Evaluate a candidate against the deployed revision; --wait --fail-under gates CI",
  usage: "fruxkit eval --agent ID [--dataset NAME] (--candidate-revision N | --external key=value …) [--wait] [--fail-under 0.8]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    dataset: { type: "string", value: "NAME|ID", description: "The dataset (default: all datasets of the deployed revision)" },
    "candidate-revision": { type: "string", value: "N", description: "The candidate revision (the run is kept in history)" },
    external: {
      type: "string",
      multiple: true,
      value: "KEY=VALUE",
      description: "An external candidate's parameter (endpoint, assistant_id, auth_header_name, timeout_seconds, …)"
    },
    "external-env": {
      type: "string",
      multiple: true,
      value: "KEY=ENVVAR",
      description: "An external parameter read from an environment variable (for secrets: api_key, auth_header_value)"
    },
    wait: { type: "boolean", description: "Wait for the run to end and print its summary" },
    "fail-under": { type: "string", value: "SCORE", description: "Exit 1 when the score is below SCORE: 0–1 is a fraction of the judge's 0–10 scale, above 1 a score (implies --wait)" },
    timeout: { type: "string", value: "DURATION", description: "With --wait: give up after this long (default 30m)" }
  },
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const revision = integerFlag(context.values, "candidate-revision")
    const external: Record<string, string> = Object.fromEntries(pairs(listFlag(context.values, "external"), "external"))
    for (const [key, variable] of pairs(listFlag(context.values, "external-env"), "external-env")) {
      const value = context.env[variable]
      if (value === undefined) throw new UsageError(`--external-env ${key}=${variable}: ${variable} is not set`)
      external[key] = value
    }
    const hasExternal = Object.keys(external).length > 0
    if (revision !== undefined && hasExternal) throw new UsageError("choose one candidate: --candidate-revision or --external")
    if (revision === undefined && !hasExternal) throw new UsageError("a candidate is required: --candidate-revision N or --external endpoint=…")
    if (hasExternal && !external.endpoint) throw new UsageError("an external candidate needs --external endpoint=URL")
    for (const key of Object.keys(external)) {
      // A secret typed on the command line lands in shell history and `ps`; say so, but do not refuse.
      if (SECRET_EXTERNAL_CONFIG_KEYS.has(key) && listFlag(context.values, "external").some((p) => p.startsWith(`${key}=`))) {
        context.stderr.write(`fruxkit: warning: --external ${key}=… is visible in your shell history; prefer --external-env ${key}=VAR\n`)
      }
    }
    const failUnder = numberFlag(context.values, "fail-under")
    const timeoutMs = durationFlag(context.values, "timeout")
    const wait = context.values.wait === true || failUnder !== undefined
    const datasetName = stringFlag(context.values, "dataset")

    const { client, settings } = await context.open()
    const ref = { tenant: settings.tenant, agent }
    const [dataset] = await resolveDatasets(client, ref, datasetName ? [datasetName] : [])
    const form: EvaluateForm = {
      datasetId: dataset?.id,
      candidate: revision !== undefined ? { kind: "revision", revision } : { kind: "external" },
      external
    }
    const started = await client.evaluate({ ...ref, body: evaluateRequest(form) })
    if (!wait) {
      if (context.json) printJson(context, started)
      else print(context, `started run ${started.id} (${started.status})\nfollow it: fruxkit run --agent ${agent} --id ${started.id} --wait`)
      return ExitCode.Ok
    }
    const run = await waitForRun(client, context, { ...ref, evaluationRun: started.id }, { initial: started, timeoutMs })
    if (context.json) printJson(context, run)
    else print(context, runSummaryText(run, { failUnder, datasetName: dataset?.name }))
    return verdictOf(run, failUnder) === "pass" || verdictOf(run, failUnder) === "unjudged" ? ExitCode.Ok : ExitCode.Failed
  }
}
