/**
 * The handler table's types: one handler per endpoint of core's table,
 * typed from it, so a missing endpoint is a compile error and a handler
 * cannot return a shape its endpoint does not declare.
 */
import type * as Schema from "effect/Schema"
import type { Endpoint, EndpointName, Endpoints } from "@fruxkit/core"
import type { CreateKey } from "./keyed-create.js"

type QueryOf<E extends Endpoint.Any> = E["query"] extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<E["query"]> : undefined
type BodyOf<E extends Endpoint.Any> = E["body"] extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<E["body"]> : undefined

export interface HandlerInput<E extends Endpoint.Any> {
  readonly path: Endpoint.PathParams<E>
  readonly query: QueryOf<E>
  readonly body: BodyOf<E>
  /** The draft version `If-Match` names; `undefined` when it was not sent. */
  readonly ifMatch: number | undefined
  /** The call's `Idempotency-Key` on a creating endpoint: commit `key.recordWith(answer)` in the create's transaction (keyed-create.ts). */
  readonly key: CreateKey | undefined
}

/**
 * An answer already in its wire form: JSON text the handler vouches is its
 * endpoint's encoded success. Only the run-results listing uses it (see
 * RunStore.WireResultsPage: 1,000 results are not rebuilt to be encoded and
 * serialised again); every other answer is a value app.ts encodes.
 */
export class EncodedJson {
  constructor(readonly text: string) {}
}

export type Handler<E extends Endpoint.Any> = (input: HandlerInput<E>) => Promise<Endpoint.Success<E> | EncodedJson>

export type HandlerTable = { readonly [K in EndpointName]: Handler<Endpoints[K]> }

export type Handlers<K extends EndpointName> = { readonly [P in K]: Handler<Endpoints[P]> }
