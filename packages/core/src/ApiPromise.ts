/**
 * What every Promise-facade call returns: a `Promise` of the data that also
 * offers the HTTP response it came from (`withResponse()`, `asResponse()`),
 * the way openai-node's `APIPromise` does.
 */

/** The data and the `Response` it was read from. */
export interface WithResponse<T> {
  readonly data: T
  /**
   * The HTTP response (status, headers such as `x-request-id`, body). For
   * calls that make several requests (waiting, `dedupe`), the last one.
   */
  readonly response: Response
}

export class ApiPromise<T> extends Promise<T> {
  readonly #exchange: Promise<WithResponse<T>>
  #data: Promise<T> | undefined

  constructor(exchange: Promise<WithResponse<T>>) {
    // The base promise is a placeholder: then/catch/finally read the exchange.
    super((resolve) => resolve(undefined as T))
    this.#exchange = exchange
    // A caller who only asks for the response must not leave an unhandled rejection behind.
    exchange.catch(() => undefined)
  }

  /** The data and the HTTP response, together. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#exchange
  }

  /** The HTTP response alone (its body can still be read). */
  asResponse(): Promise<Response> {
    return this.#exchange.then((exchange) => exchange.response)
  }

  #parsed(): Promise<T> {
    return (this.#data ??= this.#exchange.then((exchange) => exchange.data))
  }

  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null | undefined,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null | undefined
  ): Promise<A | B> {
    return this.#parsed().then(onfulfilled, onrejected)
  }

  override catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null | undefined): Promise<T | B> {
    return this.#parsed().catch(onrejected)
  }

  override finally(onfinally?: (() => void) | null | undefined): Promise<T> {
    return this.#parsed().finally(onfinally)
  }
}
