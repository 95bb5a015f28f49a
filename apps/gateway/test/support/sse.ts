/** A minimal Server-Sent Events reader over fetch, for tests. */
export interface SseEvent {
  readonly event: string
  readonly id: string | undefined
  readonly data: string
}

export interface SseConnection {
  readonly status: number
  readonly headers: Headers
  /** The next event (comments skipped); `undefined` when the stream ended. */
  readonly next: (timeoutMs?: number) => Promise<SseEvent | undefined>
  /** Comment lines seen so far (`: heartbeat`, `: up to date`). */
  readonly comments: Array<string>
  readonly close: () => void
}

export const openSse = async (url: string, headers: Record<string, string> = {}): Promise<SseConnection> => {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal })
  const comments: Array<string> = []
  if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) {
    return { status: response.status, headers: response.headers, next: async () => undefined, comments, close: () => controller.abort() }
  }
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  let ended = false

  const parseOne = (): SseEvent | undefined => {
    for (;;) {
      const end = buffer.indexOf("\n\n")
      if (end < 0) return undefined
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = "message"
      let id: string | undefined
      const data: Array<string> = []
      let isComment = true
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) {
          comments.push(line.slice(1).trim())
          continue
        }
        isComment = false
        const colon = line.indexOf(":")
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
        if (field === "event") event = value
        else if (field === "id") id = value
        else if (field === "data") data.push(value)
      }
      if (!isComment) return { event, id, data: data.join("\n") }
    }
  }

  const next = async (timeoutMs = 5000): Promise<SseEvent | undefined> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const parsed = parseOne()
      if (parsed) return parsed
      if (ended) return undefined
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error("timed out waiting for an SSE event")
      const chunk = await Promise.race([
        reader.read(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), remaining))
      ])
      if (chunk === "timeout") throw new Error("timed out waiting for an SSE event")
      if (chunk.done) ended = true
      else buffer += decoder.decode(chunk.value, { stream: true })
    }
  }
  return { status: response.status, headers: response.headers, next, comments, close: () => controller.abort() }
}
