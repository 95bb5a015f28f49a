/**
 * Chat completions: an OpenAI-compatible endpoint when configured, else a
 * deterministic offline model so every flow works with no network.
 */
import { DeadlineExceeded, withDeadline } from "./deadline.js"
import { estimateTokens } from "./pricing.js"

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

export interface ChatRequest {
  readonly messages: ReadonlyArray<ChatMessage>
  readonly model?: string | undefined
  readonly temperature?: number | undefined
  /** Ask for a JSON object (OpenAI `response_format: {type: "json_object"}`). */
  readonly json?: boolean | undefined
  readonly signal?: AbortSignal | undefined
  readonly timeoutMs?: number | undefined
}

export interface ChatCompletion {
  readonly content: string
  readonly model: string
  readonly providerId: string
  readonly inputTokens: number
  readonly outputTokens: number
}

export interface ChatModel {
  readonly complete: (request: ChatRequest) => Promise<ChatCompletion>
}

export interface LlmConfig {
  readonly baseUrl: string
  readonly apiKey?: string | undefined
  readonly model?: string | undefined
  /** Per-request timeout (default 60 s). */
  readonly timeoutMs?: number | undefined
}

export class ChatModelError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "ChatModelError"
  }
}

const DEFAULT_MODEL = "gpt-4o-mini"


export const makeOpenAiChatModel = (config: LlmConfig): ChatModel => {
  const url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`
  const timeoutMs = config.timeoutMs ?? 60_000
  return {
    async complete(request) {
      const model = request.model ?? config.model ?? DEFAULT_MODEL
      const headers: Record<string, string> = { "content-type": "application/json" }
      if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`
      const limit = request.timeoutMs ?? timeoutMs
      let body: any
      try {
        body = await withDeadline(request.signal, limit, async (signal) => {
          const response = await fetch(url, {
            method: "POST",
            headers,
            body: JSON.stringify({
              model,
              messages: request.messages,
              temperature: request.temperature ?? 0,
              ...(request.json ? { response_format: { type: "json_object" } } : {})
            }),
            signal
          })
          if (!response.ok) {
            await response.body?.cancel()
            throw new ChatModelError(`LLM endpoint answered HTTP ${response.status}`)
          }
          const text = await response.text()
          try {
            return JSON.parse(text)
          } catch {
            throw new ChatModelError("LLM endpoint answered with a body that is not JSON")
          }
        })
      } catch (error) {
        if (request.signal?.aborted || error instanceof ChatModelError) throw error
        // Never the request headers: the API key must not reach a message.
        throw new ChatModelError(
          error instanceof DeadlineExceeded ? `LLM endpoint did not answer within ${limit} ms` : "LLM endpoint unreachable"
        )
      }
      const content = body?.choices?.[0]?.message?.content
      if (typeof content !== "string") throw new ChatModelError("LLM reply has no choices[0].message.content")
      const prompt = request.messages.map((m) => m.content).join("\n")
      return {
        content,
        model: typeof body.model === "string" ? body.model : model,
        providerId: "openai-compatible",
        inputTokens: Number(body?.usage?.prompt_tokens ?? estimateTokens(prompt)),
        outputTokens: Number(body?.usage?.completion_tokens ?? estimateTokens(content))
      }
    }
  }
}

/**
 * The built-in offline model: a small support knowledge base matched by
 * keywords, styled by the system prompt. Same input, same answer, always,
 * so tests and demos are reproducible and revisions with different prompts
 * really answer differently.
 */
const KNOWLEDGE: ReadonlyArray<readonly [RegExp, string]> = [
  [/refund|money back/i, "Refunds go back to the original payment method within 5 business days."],
  [/password|log ?in|sign ?in/i, "Reset your password under Settings > Security > Reset password."],
  [/ship|deliver|track/i, "Standard shipping takes 3-5 business days; express takes 1-2 business days."],
  [/cancel|subscription/i, "You can cancel your subscription at any time under Billing > Plan."],
  [/invoice|receipt|billing/i, "Invoices are available as PDF under Billing > Invoices."],
  [/hours|open|available|contact/i, "Support is available Monday to Friday, 9:00-18:00 CET, at help@example.com."],
  [/warranty|broken|repair/i, "Every device has a two-year limited warranty covering manufacturing defects."],
  [/delete|close my account|gdpr|data/i, "To delete your account and data, open Settings > Privacy > Delete account."],
  [/upgrade|plan|price|pricing/i, "Plans start at 10 EUR per month; upgrade any time under Billing > Plan."],
  [/language|translate/i, "The app is available in English, German, French and Spanish."]
]

export const offlineAnswer = (system: string, user: string, turns: number): string => {
  const hit = KNOWLEDGE.find(([pattern]) => pattern.test(user))
  let answer = hit ? hit[1] : `I could not find an answer to "${user.slice(0, 80)}"; a human agent will follow up.`
  if (/friendly|warm|empathetic/i.test(system)) answer = `Thanks for reaching out! ${answer}`
  if (/follow[- ]?up|next step|anything else/i.test(system)) answer = `${answer} Is there anything else I can help with?`
  if (/concise|brief|short/i.test(system)) answer = answer.split(/(?<=\.)\s/)[0] ?? answer
  if (turns > 0) answer = `(continuing our conversation) ${answer}`
  return answer
}

export const makeOfflineChatModel = (): ChatModel => ({
  async complete(request) {
    if (request.signal?.aborted) throw request.signal.reason
    const system = request.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n")
    const users = request.messages.filter((m) => m.role === "user")
    const user = users[users.length - 1]?.content ?? ""
    const content = offlineAnswer(system, user, users.length - 1)
    return {
      content,
      model: "fruxkit-offline-1",
      providerId: "fruxkit-offline",
      inputTokens: estimateTokens(request.messages.map((m) => m.content).join("\n")),
      outputTokens: estimateTokens(content)
    }
  }
})
