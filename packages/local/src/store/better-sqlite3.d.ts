/**
 * The part of better-sqlite3's API the store uses (SqliteConnection.ts). The package ships no types and
 * @types/better-sqlite3 is not a dependency; these follow its documentation (docs/api.md, 12.x).
 */
declare module "better-sqlite3" {
  namespace Database {
    interface RunResult {
      readonly changes: number
      readonly lastInsertRowid: number | bigint
    }
    interface Statement {
      /** The statement returns rows (a SELECT, or a write with RETURNING). */
      readonly reader: boolean
      readonly source: string
      run(...params: ReadonlyArray<unknown>): RunResult
      all(...params: ReadonlyArray<unknown>): Array<unknown>
      get(...params: ReadonlyArray<unknown>): unknown
      /** Rows as arrays of values instead of objects. */
      raw(toggle?: boolean): this
    }
  }
  class Database {
    constructor(filename: string, options?: { readonly readonly?: boolean | undefined })
    readonly inTransaction: boolean
    prepare(source: string): Database.Statement
    close(): this
  }
  export = Database
}
