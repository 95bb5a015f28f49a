/**
 * One step of a trace opened: what ran and what it cost — the LLM's provider,
 * model, tokens and every message (system prompt, user turns, the answer),
 * a tool's parameters, the step's result and error. Scrolled with ↑/↓ and
 * PgUp/PgDn; the screen owns the scroll position.
 */
import { Box, Text } from "ink"
import type { StepTrace } from "@fruxkit/core"
import { formatCost, formatDuration } from "../../format-units.js"
import { wrapText } from "../../wrap-text.js"
import { stepCost } from "./TraceTree.js"

export interface DetailLine {
  readonly text: string
  readonly tone?: "head" | "dim" | "bad"
}

const messageOf = (message: unknown): { role: string; content: string } => {
  if (typeof message !== "object" || message === null) return { role: "message", content: String(message) }
  const m = message as Record<string, unknown>
  const content = typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? m)
  return { role: typeof m.role === "string" ? m.role : "message", content }
}

const jsonText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value, null, 2))

/** Every line the detail shows, wrapped to `width`. */
export const stepDetailLines = (step: StepTrace, width: number): Array<DetailLine> => {
  const lines: Array<DetailLine> = []
  const block = (text: string, indent = "  ") => {
    for (const paragraph of text.split("\n")) for (const line of wrapText(paragraph, width - indent.length)) lines.push({ text: `${indent}${line}` })
  }
  lines.push({ text: `${step.displayName || step.id} · ${step.type} · ${step.status} · ${formatDuration(step.duration)} · ${formatCost(stepCost(step))}`, tone: "head" })
  if (step.id && step.displayName && step.id !== step.displayName) lines.push({ text: `id ${step.id}`, tone: "dim" })
  if (step.error) {
    lines.push({ text: "Error", tone: "bad" })
    block(step.error)
  }
  const llm = step.llmStepTrace
  if (llm) {
    lines.push({ text: `LLM ${[llm.providerId, llm.model].filter(Boolean).join(" / ") || "(model not given)"}`, tone: "head" })
    lines.push({
      text: `  tokens in ${llm.inputTokens} · out ${llm.outputTokens} · cached ${llm.cachedTokens} · thinking ${llm.thinkingTokens}`
    })
    lines.push({ text: `  cost in ${formatCost(llm.inputCost)} · out ${formatCost(llm.outputCost)} · cached ${formatCost(llm.cachedCost)}` })
    if (llm.llmMessages.length > 0) lines.push({ text: `Messages (${llm.llmMessages.length})`, tone: "head" })
    for (const raw of llm.llmMessages) {
      const message = messageOf(raw)
      lines.push({ text: `  [${message.role}]`, tone: "dim" })
      block(message.content, "    ")
    }
    if (llm.tools.length > 0) {
      lines.push({ text: `Tools offered (${llm.tools.length})`, tone: "head" })
      block(llm.tools.map(jsonText).join("\n"))
    }
  }
  const tool = step.toolTrace
  if (tool) {
    lines.push({ text: `Tool ${tool.displayName || tool.tool?.id || ""} (${tool.toolType || "tool"}${tool.tool ? `, ${tool.tool.integrationId}/${tool.tool.id}` : ""}) · ${formatCost(tool.cost)}`, tone: "head" })
    if (Object.keys(tool.parameters).length > 0) block(jsonText(tool.parameters))
  }
  if (step.result) {
    lines.push({ text: "Result", tone: "head" })
    if (step.result.strValue) block(step.result.strValue)
    if (step.result.jsonValue !== null && step.result.jsonValue !== undefined) block(jsonText(step.result.jsonValue))
    if (step.result.fileLink) block(`file ${step.result.fileLink}`)
  }
  if (step.steps.length > 0) lines.push({ text: `${step.steps.length} inner step${step.steps.length === 1 ? "" : "s"} (Esc back to the tree, → to expand)`, tone: "dim" })
  return lines
}

export const StepDetail = ({ step, scroll, width, height }: { readonly step: StepTrace; readonly scroll: number; readonly width: number; readonly height: number }) => {
  const lines = stepDetailLines(step, width)
  const start = Math.min(scroll, Math.max(0, lines.length - height))
  const shown = lines.slice(start, start + height)
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        <Text key={start + i} wrap="truncate" bold={line.tone === "head"} dimColor={line.tone === "dim"} {...(line.tone === "bad" ? { color: "red" } : {})}>
          {line.text}
        </Text>
      ))}
    </Box>
  )
}
