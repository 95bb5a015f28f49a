/**
 * A paged list in the Promise facade: `await` it for the first page (it
 * rejects when that request fails), or `for await` it for every item, each
 * page requested only when the one before is used up (a failure on any page
 * is thrown from the loop).
 */
import { ApiPromise, type WithResponse } from "./ApiPromise.js"

/** One page of a list. */
export interface ListPage<A> {
  /** The page's items. */
  readonly data: ReadonlyArray<A>
  /** The token for the next page (pass it as `pageToken`), or `undefined` on the last page. */
  readonly nextPageToken: string | undefined
  /** How many items the whole list holds, as the server counted it. */
  readonly totalCount: number
  /** Whether another page follows. */
  hasNextPage(): boolean
  /** The next page; rejects when there is none (check `hasNextPage()`). */
  getNextPage(): PagePromise<A>
}

/** Requests one page: the first for `undefined`. */
export type PageLoader<A> = (pageToken: string | undefined) => Promise<{
  readonly response: Response
  readonly items: ReadonlyArray<A>
  readonly nextPageToken: string | undefined
  readonly totalCount: number
}>

const makePage = <A>(load: PageLoader<A>, loaded: Awaited<ReturnType<PageLoader<A>>>): ListPage<A> => ({
  data: loaded.items,
  nextPageToken: loaded.nextPageToken,
  totalCount: loaded.totalCount,
  hasNextPage: () => loaded.nextPageToken !== undefined,
  getNextPage: () =>
    loaded.nextPageToken === undefined
      ? new PagePromise<A>(load, Promise.reject(new Error("no next page: check hasNextPage() first")))
      : PagePromise.load(load, loaded.nextPageToken)
})

export class PagePromise<A> extends ApiPromise<ListPage<A>> implements AsyncIterable<A> {
  readonly #load: PageLoader<A>

  constructor(load: PageLoader<A>, exchange: Promise<WithResponse<ListPage<A>>>) {
    super(exchange)
    this.#load = load
  }

  /** The page at `pageToken` (the first for `undefined`), requested now. */
  static load<A>(load: PageLoader<A>, pageToken: string | undefined): PagePromise<A> {
    // `response` read only when asked for: the loader may build it on demand.
    const exchange = load(pageToken).then(
      (loaded): WithResponse<ListPage<A>> => ({
        data: makePage(load, loaded),
        get response() {
          return loaded.response
        }
      })
    )
    return new PagePromise(load, exchange)
  }

  async *[Symbol.asyncIterator](): AsyncIterator<A> {
    let page: ListPage<A> = await this
    for (;;) {
      yield* page.data
      if (!page.hasNextPage()) return
      page = await PagePromise.load(this.#load, page.nextPageToken)
    }
  }
}
