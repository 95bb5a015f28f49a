/**
 * A bounded memo under two keys (a method or endpoint name, then a path),
 * emptied when it fills. Nested maps rather than one map under a joined key:
 * no key string is built per lookup (one more string to flatten and hash on
 * the hot path, measured). Route matching and request decoding both use it.
 */
export class KeyedMemo<T> {
  private readonly entries = new Map<string, Map<string, T>>()
  private size = 0

  constructor(private readonly maxSize: number) {}

  get(outer: string, inner: string): T | undefined {
    return this.entries.get(outer)?.get(inner)
  }

  set(outer: string, inner: string, value: T): void {
    if (this.maxSize <= 0) return
    let byInner = this.entries.get(outer)
    if (byInner?.has(inner)) {
      byInner.set(inner, value)
      return
    }
    if (this.size >= this.maxSize) {
      this.entries.clear()
      this.size = 0
      byInner = undefined
    }
    if (byInner === undefined) {
      byInner = new Map()
      this.entries.set(outer, byInner)
    }
    byInner.set(inner, value)
    this.size++
  }
}
