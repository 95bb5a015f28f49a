/**
 * The last step of every /v1 request that no extension answered: the
 * validated request goes upstream as the client sent it (headers by
 * allowlist, the gateway's own query parameters removed), retried by core's
 * policy (proxy/forward.ts), and the answer comes back byte for byte.
 * The one rewrite: an answer is scrubbed of the request's
 * `candidateExternalConfig` secret values, should the upstream echo them.
 */
import type { Handler } from "hono"
import { Secrets } from "@fruxkit/core"
import type { GatewayEnv } from "../../env.js"
import type { StoredResponse } from "../../idempotency/store.js"
import { requestSecrets } from "../../proxy/body-secrets.js"
import { clientAnswer, toResponse, upstreamRequest } from "../../proxy/exchange.js"
import type { Forwarder } from "../../proxy/forward.js"
import { headerReader, requestLog, requestState } from "../../request-context.js"
import type { MatchedRoute } from "../../routes.js"

export interface ForwardUpstreamOptions {
  readonly forward: Forwarder
}

const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

/** The answer without the given secrets (JSON-escaped) anywhere in its body. */
const scrubbed = (answer: StoredResponse, secrets: ReadonlyArray<string>): StoredResponse => {
  const text = textDecoder.decode(answer.body)
  const clean = Secrets.jsonValueRedactor(secrets)(text)
  return clean === text ? answer : { ...answer, body: textEncoder.encode(clean) }
}

export const forwardUpstream = (options: ForwardUpstreamOptions): Handler<GatewayEnv> =>
  function forwardUpstream(c) {
    const state = requestState(c)
    const match = state.match as MatchedRoute
    const requestId = state.requestId
    const request = upstreamRequest({
      match,
      url: c.req.url,
      header: headerReader(c),
      requestId,
      body: state.rawBody,
      signal: state.signal,
      idempotencyKey: state.upstreamIdempotencyKey
    })
    return options.forward(match.endpoint, request, () => requestLog(c), (response) => {
      // A secret the request carried (an external candidate's key, a flow's token) never comes back, even if the upstream echoed it.
      const secrets = requestSecrets(match.endpoint, state.decoded)
      const answer = secrets.length === 0 ? clientAnswer(response, requestId) : scrubbed(clientAnswer(response, requestId), secrets)
      state.upstreamAnswer = answer
      return toResponse(answer)
    })
  }
