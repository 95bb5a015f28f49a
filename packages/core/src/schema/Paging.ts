/**
 * Paging as the Fruxon API does it: `PageSize`, `PageToken.Skip`,
 * `PageToken.Cursor` in the query; `{items, nextPageToken, totalCount}` back.
 * Choice (the contract leaves it open): `nextPageToken` is passed back as
 * `PageToken.Cursor`, and an empty or absent token ends the list.
 */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"

const IntFromString = Schema.NumberFromString.pipe(Schema.int())

export const DEFAULT_PAGE_SIZE = 50
export const MAX_PAGE_SIZE = 1000

export const PageQueryFields = {
  PageSize: Schema.optional(IntFromString.pipe(Schema.between(1, MAX_PAGE_SIZE))),
  "PageToken.Skip": Schema.optional(IntFromString.pipe(Schema.nonNegative())),
  // Opaque: its length is the server's business (the local backend bounds its own cursors).
  "PageToken.Cursor": Schema.optional(Schema.String)
}
/** The paging facts every paged Fruxon list shares; endpoints carry them as `paging`. */
export const fruxonPaging = {
  sizeParam: "PageSize",
  cursorParam: "PageToken.Cursor",
  clearedByCursor: ["PageToken.Skip"],
  itemsField: "items",
  nextTokenField: "nextPageToken"
} as const

const PageQuerySchema = Schema.Struct(PageQueryFields).annotations({ identifier: "PageQuery" })
export interface PageQuery extends Schema.Schema.Type<typeof PageQuerySchema> {}
export interface PageQueryEncoded extends Schema.Schema.Encoded<typeof PageQuerySchema> {}
export const PageQuery: Schema.Schema<PageQuery, PageQueryEncoded> = PageQuerySchema

export const Page = <S extends Schema.Schema.Any>(item: S, identifier: string) =>
  Schema.Struct({
    items: Field.arrayOf(item),
    nextPageToken: Field.string,
    totalCount: Field.number
  }).annotations({ identifier })

export interface PageOf<A> {
  readonly items: ReadonlyArray<A>
  readonly nextPageToken: string
  readonly totalCount: number
}

/** A repeatable query parameter (`status=A&status=B`): one value or many, decoded to an array. */
export const Repeated = <A extends string, I extends string>(item: Schema.Schema<A, I>) =>
  Schema.Union(
    Schema.Array(item),
    Schema.transform(item, Schema.Array(Schema.typeSchema(item)), {
      strict: false,
      decode: (one) => [one],
      encode: (many) => many[0]
    })
  )

export { IntFromString }
