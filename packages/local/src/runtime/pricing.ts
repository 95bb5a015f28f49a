/**
 * Token prices for cost in traces and summaries (USD per token). The real
 * prices depend on the provider; these are fixed so costs are comparable
 * between candidate and base and reproducible in tests.
 */
export const INPUT_PRICE_PER_TOKEN = 0.5 / 1_000_000
export const OUTPUT_PRICE_PER_TOKEN = 1.5 / 1_000_000

export const tokenCost = (inputTokens: number, outputTokens: number) => {
  const inputCost = inputTokens * INPUT_PRICE_PER_TOKEN
  const outputCost = outputTokens * OUTPUT_PRICE_PER_TOKEN
  return { inputCost, outputCost, totalCost: inputCost + outputCost }
}

/** Rough token count for text no tokenizer saw (offline model, external agents without usage). */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4)
