/**
 * What the gateway's handlers answer with: a status, headers and a body
 * already in memory. serve.ts writes an `Answer` to Node's response as it is;
 * a Hono route makes it a `Response` (`toResponse`). A run's event stream is
 * the one answer that is a `Response` of its own (Hono's SSE stream).
 *
 * Why not a `Response` everywhere: a proxied request's answer is built once
 * and written once, and a WHATWG Response (even @hono/node-server's
 * lightweight one) costs objects and an adapter's conversion on every
 * request (measured; see the README's Benchmarks).
 */
export class Answer {
  constructor(
    readonly status: number,
    /** Lower-case names; the writer adds content-length. */
    readonly headers: Record<string, string>,
    readonly body: string | Uint8Array | null
  ) {}
}

/** Whatever a handler answers: an Answer, or (event streams, Hono routes) a Response. */
export type HandlerResult = Answer | Response

/** A JSON answer. */
export const jsonAnswer = (status: number, json: string, headers: Record<string, string>): Answer =>
  new Answer(status, { "content-type": "application/json", ...headers }, json)

export const toResponse = (result: HandlerResult): Response =>
  result instanceof Answer ? new Response(result.body, { status: result.status, headers: result.headers }) : result
