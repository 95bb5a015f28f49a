/**
 * Serving a gateway over Node's HTTP server (main.ts, and the tests that go
 * over real sockets).
 *
 * An API call (`/v1/…`) goes from Node's request straight into the gateway's
 * /v1 pipeline (`handleApiCall`) with a `DirectContext`, and its `Answer` is
 * written straight to Node's response. Everything else — the operations
 * routes, unknown paths, a run's event stream (a streamed answer), and any
 * request target not taken as it is here (percent-encoding, dot segments, an
 * unusual Host) — goes through @hono/node-server's listener and the Hono app,
 * which normalise it first. The pipeline is the same either way: only the
 * adapter around it differs.
 *
 * Why: on every proxied call, @hono/node-server's request and response
 * objects, its async listener and close handler, and Hono's context (a Map of
 * variables) and dispatch cost CPU the proxy otherwise does not spend —
 * measured in a pinned A/B, POST :addToDatasets: 58.0 → 52.0 µs of CPU a
 * request (README, Benchmarks).
 */
import { getRequestListener } from "@hono/node-server"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { Answer, type HandlerResult } from "./answer.js"
import type { Gateway } from "./app.js"
import type { ApiContext, GatewayVariables } from "./env.js"

/**
 * A /v1 target taken as it is: only characters that need no decoding in the
 * path (no `%`), a plain query, no fragment. Its path is then the path Hono
 * would route (Hono decodes percent-encoding; a URL parser resolves dot segments).
 */
const PLAIN_API_TARGET = /^\/v1\/[\w\-.~:@!$&'()*+,;=/]*(?:\?[\w\-.~:@!$&'()*+,;=/?%]*)?$/
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/
/** A host name or address and an optional port: the request URL is `http://<host><target>`. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * A /v1 call's context straight from Node's request: no Hono, one object —
 * its variables in fixed fields, and itself as its `req` and `env` (the
 * method, path and URL, and Node's request).
 */
export class DirectContext implements ApiContext {
  private requestId: GatewayVariables["requestId"] | undefined = undefined
  private log: GatewayVariables["log"] | undefined = undefined
  private match: GatewayVariables["match"] | undefined = undefined
  private routeName: GatewayVariables["routeName"] | undefined = undefined
  private principal: GatewayVariables["principal"] | undefined = undefined
  private rawBody: GatewayVariables["rawBody"] = undefined
  private decoded: GatewayVariables["decoded"] | undefined = undefined
  private waitMs: GatewayVariables["waitMs"] = undefined
  private dedupe: GatewayVariables["dedupe"] = undefined
  private signal: GatewayVariables["signal"] = undefined

  constructor(
    readonly incoming: IncomingMessage,
    readonly method: string,
    readonly path: string,
    readonly url: string
  ) {}

  get req(): { readonly method: string; readonly path: string; readonly url: string } {
    return this
  }

  get env(): { readonly incoming: IncomingMessage } {
    return this
  }

  get<K extends keyof GatewayVariables>(key: K): GatewayVariables[K] {
    return (this as unknown as GatewayVariables)[key]
  }

  set<K extends keyof GatewayVariables>(key: K, value: GatewayVariables[K]): void {
    ;(this as unknown as GatewayVariables)[key] = value
  }
}

// A variable named like one of DirectContext's own members would overwrite that member.
const variablesClearOfMembers: [Extract<keyof GatewayVariables, keyof DirectContext>] extends [never] ? true : false = true
void variablesClearOfMembers

/** Bytes of an unread request body discarded after the answer; past them the connection is closed instead. */
const MAX_DISCARD_BYTES = 1024 * 1024

/**
 * After an answer given before the request body was read (413, 401, 404…):
 * discard the rest of the body, up to a bound, so the connection can carry
 * the next request; past the bound, close it rather than read without end.
 */
const discardRest = (incoming: IncomingMessage): void => {
  if (incoming.complete || incoming.destroyed) return
  let seen = 0
  const onData = (chunk: Buffer) => {
    seen += chunk.byteLength
    if (seen > MAX_DISCARD_BYTES) {
      incoming.off("data", onData)
      incoming.socket.destroySoon()
    }
  }
  incoming.on("data", onData)
  incoming.resume()
}

const writeAnswer = (incoming: IncomingMessage, outgoing: ServerResponse, answer: Answer): void => {
  const { headers, body } = answer
  if (body !== null) headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength)
  outgoing.writeHead(answer.status, headers)
  outgoing.end(body ?? undefined)
  discardRest(incoming)
}

/** A Response (the pipeline answers with one only for event streams, which are not sent here): through its public API. */
const writeResponse = async (incoming: IncomingMessage, outgoing: ServerResponse, response: Response): Promise<void> => {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  writeAnswer(incoming, outgoing, new Answer(response.status, headers, response.body === null ? null : new Uint8Array(await response.arrayBuffer())))
}

export type RequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => void

/** The request listener for a gateway (see the module comment). */
export const createRequestListener = (gateway: Gateway): RequestListener => {
  // Also installs @hono/node-server's lightweight Request and Response globally, as `serve` does.
  const viaHono = getRequestListener(gateway.app.fetch)

  /** Past the pipeline (which answers every failure itself): writing the answer failed. */
  const failed = (outgoing: ServerResponse, error: unknown): void => {
    gateway.logger.error({ err: { message: (error as Error)?.message ?? String(error) } }, "writing the answer failed")
    if (!outgoing.headersSent) {
      outgoing.writeHead(500, { "content-type": "text/plain; charset=UTF-8" })
      outgoing.end("Internal Server Error")
    } else {
      outgoing.destroy()
    }
  }
  const write = (incoming: IncomingMessage, outgoing: ServerResponse, result: HandlerResult): void => {
    try {
      if (result instanceof Answer) writeAnswer(incoming, outgoing, result)
      else writeResponse(incoming, outgoing, result).catch((error: unknown) => failed(outgoing, error))
    } catch (error) {
      failed(outgoing, error)
    }
  }

  return (incoming, outgoing) => {
    const target = incoming.url ?? ""
    const host = incoming.headers.host
    if (!target.startsWith("/v1/") || host === undefined || !PLAIN_API_TARGET.test(target) || !PLAIN_HOST.test(host)) {
      return void viaHono(incoming, outgoing)
    }
    const q = target.indexOf("?")
    const path = q < 0 ? target : target.slice(0, q)
    const method = incoming.method ?? "GET"
    if (DOT_SEGMENT.test(path) || gateway.isEventStream(method, path)) return void viaHono(incoming, outgoing)

    const handling = gateway.handleApiCall(new DirectContext(incoming, method, path, `http://${host}${target}`))
    if (handling instanceof Promise) {
      handling.then(
        (result) => write(incoming, outgoing, result),
        (error: unknown) => failed(outgoing, error)
      )
    } else {
      write(incoming, outgoing, handling)
    }
  }
}

/** A Node HTTP server for the gateway, listening; resolves once it is. */
export const serveGateway = (gateway: Gateway, options: { readonly port: number; readonly hostname: string }): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer(createRequestListener(gateway))
    server.once("error", reject)
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject)
      resolve(server)
    })
  })
