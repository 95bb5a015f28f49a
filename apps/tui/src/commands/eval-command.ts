/**
 * `fruxkit eval`: start an evaluation of a candidate (a revision or an
 * external agent) against the deployed revision; with `--wait` (or any gate),
 * follow it and judge it: `{"run", "gate"}`, exit 1 when a gate fails.
 */
import { SECRET_EXTERNAL_CONFIG_KEYS } from "@fruxkit/core"
import { print, printJson, resolveDatasets, type CommandDefinition } from "./command.js"
import { durationFlag, integerFlag, listFlag, pairs, requiredString, stringFlag } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { GATE_JSON_SHAPE, asksForGate, gateFlags, gateOptionsFrom } from "./gate.js"
import { finishRun, reportFlags } from "./run-outcome.js"
import { requireAnswerable, yesFlag } from "./confirmation.js"
import { deployWithConfirmation, type DeployResult } from "./deploy-command.js"
import { EMBEDDED_TRANSIENT_NOTE, TRANSIENT_NOTE, followHint } from "./transient-runs.js"
import { waitForRun } from "./wait-for-run.js"
import { evaluateRequest, type EvaluateForm } from "../ui/state/evaluateForm.js"

/** The conventional keys of an external candidate (contract: candidateExternalConfig.parameters). */
export const EXTERNAL_KEYS = ["endpoint", "assistant_id", "auth_header_name", "auth_header_value", "api_key", "timeout_seconds"] as const

const checkExternal = (external: Readonly<Record<string, string>>): void => {
  for (const key of Object.keys(external)) {
    if (!(EXTERNAL_KEYS as ReadonlyArray<string>).includes(key)) {
      throw new UsageError(`--external ${key}: not a key an external candidate takes (${EXTERNAL_KEYS.join(", ")})`)
    }
  }
  const endpoint = external.endpoint
  if (endpoint !== undefined) {
    let ok = false
    try {
      const url = new URL(endpoint)
      ok = url.protocol === "http:" || url.protocol === "https:"
    } catch {
      ok = false
    }
    if (!ok) throw new UsageError(`--external endpoint must be an http(s) URL, got "${endpoint}"`)
  }
  const timeout = external.timeout_seconds
  if (timeout !== undefined && !(/^\d+(\.\d+)?$/.test(timeout) && Number(timeout) > 0)) {
    throw new UsageError(`--external timeout_seconds must be a positive number of seconds, got "${timeout}"`)
  }
}

export const evalCommand: CommandDefinition = {
  name: "eval",
  summary: "Evaluate a candidate against the deployed revision; gates (--fail-under, …) decide the exit code",
  usage:
    "fruxkit eval --agent ID [--dataset NAME] (--candidate-revision N | --external key=value …) [--wait] [--fail-under 0.8] [--max-regressions N] [--require-deploy]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    dataset: { type: "string", value: "NAME|ID", description: "The dataset (default: all datasets of the deployed revision)" },
    "candidate-revision": { type: "string", value: "N", check: { kind: "count", min: 1 }, description: "The candidate revision (the run is kept in history)" },
    external: {
      type: "string",
      multiple: true,
      value: "KEY=VALUE",
      check: { kind: "pair" },
      description: `An external candidate's parameter (${EXTERNAL_KEYS.join(", ")}); its run is transient`
    },
    "external-env": {
      type: "string",
      multiple: true,
      value: "KEY=ENVVAR",
      check: { kind: "pair" },
      description: "An external parameter read from an environment variable (for secrets: api_key, auth_header_value)"
    },
    wait: { type: "boolean", description: "Wait for the run to end and print its summary and gate" },
    ...gateFlags,
    ...reportFlags,
    "deploy-if-passed": { type: "boolean", description: "Deploy the candidate revision when every gate passed (asks first; --yes in CI). Implies --wait" },
    ...yesFlag("the confirmation"),
    timeout: { type: "string", value: "DURATION", check: { kind: "duration" }, default: "30m", description: "With --wait: give up after this long" }
  },
  jsonShape: `without --wait: EvaluationRun (as started); with --wait or a gate: ${GATE_JSON_SHAPE} plus "samples": null and "deploy": null, or with --deploy-if-passed {"deployed", "previousRevision", "currentRevision", "reason"}`,
  examples: [
    {
      command: "fruxkit eval --agent support_bot --dataset golden --candidate-revision 7 --fail-under 0.8 --max-regressions 0",
      says: "CI gate: revision 7 must score 8/10 and regress no sample (exit 1 otherwise)"
    },
    {
      command: "fruxkit eval --agent support_bot --candidate-revision 7 --fail-under 0.8 --junit results.xml --markdown comment.md --deploy-if-passed --yes",
      says: "gate, reports for CI and the pull request, and ship revision 7 only if it passed"
    },
    {
      command: "fruxkit eval --agent support_bot --candidate-revision 7 --wait -o ndjson",
      says: "progress events, then {\"type\":\"done\",\"run\",\"gate\"}"
    },
    {
      command: "fruxkit eval --agent support_bot --external endpoint=https://agent.example/chat --external-env api_key=AGENT_KEY --wait",
      says: "an externally hosted candidate (a transient run: kept in memory only)"
    }
  ],
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const revision = integerFlag(context.values, "candidate-revision")
    const external: Record<string, string> = Object.fromEntries(pairs(listFlag(context.values, "external"), "external"))
    for (const [key, variable] of pairs(listFlag(context.values, "external-env"), "external-env")) {
      const value = context.env[variable]
      if (value === undefined) throw new UsageError(`--external-env ${key}=${variable}: ${variable} is not set`)
      external[key] = value
    }
    checkExternal(external)
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
    const gate = gateOptionsFrom(context.values)
    const deployIfPassed = context.values["deploy-if-passed"] === true
    if (deployIfPassed && revision === undefined) throw new UsageError("--deploy-if-passed deploys a candidate revision: give --candidate-revision N")
    // Refuse before the run starts, not after it: in CI nothing can answer the confirmation.
    if (deployIfPassed) {
      requireAnswerable(context, "--deploy-if-passed needs a confirmation and there is no terminal to ask in", "add --yes to deploy without asking")
    }
    const timeoutMs = durationFlag(context.values, "timeout")
    const datasetName = stringFlag(context.values, "dataset")

    const { client, settings } = await context.open()
    const embedded = settings.mode === "embedded"
    // The embedded backend's transient run ends with this process: waiting is the only way to see it.
    const wait = context.values.wait === true || asksForGate(gate) || deployIfPassed || (hasExternal && embedded)
    if (hasExternal) context.stderr.write(`fruxkit: ${embedded ? EMBEDDED_TRANSIENT_NOTE : TRANSIENT_NOTE}\n`)
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
      else if (context.output.format === "ndjson") print(context, JSON.stringify({ type: "started", run: started }))
      else {
        const hint = followHint(started, agent, embedded)
        print(context, `started run ${started.id} (${started.status})${hint ? `\n${hint.replace(/^the run goes on: /, "follow it: ")}` : ""}`)
      }
      return ExitCode.Ok
    }
    const runRef = { ...ref, evaluationRun: started.id }
    const run = await waitForRun(client, context, runRef, { initial: started, timeoutMs, embedded })
    const { exitCode } = await finishRun(context, client, runRef, run, {
      gate,
      judged: true,
      showSamples: false,
      datasetName: dataset?.name,
      afterGate: async (verdict) => {
        if (!deployIfPassed || revision === undefined) return { deploy: null }
        if (!verdict.passed) {
          if (!context.json && context.output.format !== "ndjson") print(context, `\nnot deployed: the gate failed`)
          return { deploy: { deployed: false, reason: "gate_failed" } }
        }
        const result: DeployResult = await deployWithConfirmation(context, client, ref, revision)
        if (!context.json && context.output.format !== "ndjson") {
          print(context, result.deployed ? `\ndeployed revision ${result.currentRevision} (was ${result.previousRevision})` : `\nrevision ${revision} was already deployed`)
        }
        return { deploy: { ...result, reason: result.deployed ? "gate_passed" : "already_current" } }
      }
    })
    return exitCode
  }
}
