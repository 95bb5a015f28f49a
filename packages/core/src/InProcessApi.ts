/**
 * An API served by a function in this process — the embedded backend's
 * `handle` — and the Effect `HttpClient` that calls it: the client's whole
 * code path (building, checking, retrying, decoding) stays as it is over
 * HTTP, only the transport under it changes.
 *
 * Why not the backend's `fetch`: a `Request` or `Response` object is the
 * first use of Node's WHATWG fetch classes, and that loads undici and the
 * http, http2, tls and zlib modules behind it (~25 ms of CPU, as much as
 * starting Node itself) — for a call that never leaves the process. Nothing
 * here touches `fetch`, `Request`, `Response` or `Headers` of the platform.
 *
 * Bodies are text: the API speaks JSON. A request whose body is a stream or
 * form data is refused as an encoding error (nothing in the endpoint table
 * sends one), and an answer is whole before it is read (no event streams).
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as Cookies from "@effect/platform/Cookies"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** A request as an in-process API takes it. */
export interface ApiRequest {
  readonly method: string
  /** Path and query string, e.g. `/v1/tenants/demo/agents?pageSize=10`. */
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The body's text; `undefined` when there is none. */
  readonly body: string | undefined
}

/** What it answers. */
export interface ApiAnswer {
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The body's text; `""` when there is none. */
  readonly body: string
}

/** An API in this process. It answers every request, failures included (as problem+json); it rejects only on a bug. */
export type ApiHandler = (request: ApiRequest) => Promise<ApiAnswer>

const utf8 = new TextDecoder()

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined | Error => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return utf8.decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : new Error("an in-process API takes text bodies")
    default:
      return new Error(`an in-process API takes text bodies, not ${body._tag}`)
  }
}

class AnswerResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly headers: Headers.Headers
  readonly status: number

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly answer: ApiAnswer
  ) {
    super()
    this.status = answer.status
    this.headers = Headers.fromInput(answer.headers)
  }

  get cookies(): Cookies.Cookies {
    const setCookie = this.headers["set-cookie"]
    return setCookie === undefined ? Cookies.empty : Cookies.fromSetCookie([setCookie])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.succeed(this.answer.body)
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => (this.answer.body === "" ? null : (JSON.parse(this.answer.body) as unknown)),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(this.answer.body)), catch: (cause) => this.decodeError(cause) })
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => {
      const bytes = new TextEncoder().encode(this.answer.body)
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.answer.body === ""
      ? Stream.fail(
          new HttpClientError.ResponseError({ request: this.request, response: this, reason: "EmptyBody", description: "can not create stream from empty body" })
        )
      : Stream.sync(() => new TextEncoder().encode(this.answer.body))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.fail(this.decodeError(new Error("an in-process API answers JSON, not form data")))
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, { _id: "@effect/platform/HttpClientResponse", request: this.request.toJSON(), status: this.status })
  }
}

/** An `HttpClient` whose requests go to `handler` (only the URL's path and query are passed on). */
export const httpClient = (handler: ApiHandler): HttpClient.HttpClient =>
  HttpClient.make((request, url) => {
    const body = bodyText(request)
    if (body instanceof Error) return Effect.fail(new HttpClientError.RequestError({ request, reason: "Encode", cause: body, description: body.message }))
    const { "content-length": _length, ...headers } = request.headers
    return Effect.map(
      Effect.tryPromise({
        try: () => handler({ method: request.method, url: url.pathname + url.search, headers, body }),
        catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
      }),
      (answer): HttpClientResponse.HttpClientResponse => new AnswerResponse(request, answer)
    )
  })

/** The `HttpClient` service over `handler`. */
export const layer = (handler: ApiHandler): Layer.Layer<HttpClient.HttpClient> => Layer.succeed(HttpClient.HttpClient, httpClient(handler))
