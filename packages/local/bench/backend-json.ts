/** One JSON call to a local backend in-process, failing loudly on a non-2xx answer (both benches use it). */
import type { LocalBackend } from "../src/index.js"

export const json = async (backend: LocalBackend, method: string, url: string, body?: unknown) => {
  const response = await backend.fetch(
    new Request(`http://bench${url}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
  )
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${await response.text()}`)
  const text = await response.text()
  return text === "" ? undefined : JSON.parse(text)
}
