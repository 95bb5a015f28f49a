/** A counting semaphore: bounds how many samples run at once across all runs. */
export class Semaphore {
  private available: number
  private readonly waiting: Array<() => void> = []

  constructor(permits: number) {
    this.available = permits
  }

  async acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw signal.reason
    if (this.available > 0) {
      this.available--
      return
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort)
        resolve()
      }
      const onAbort = () => {
        const index = this.waiting.indexOf(grant)
        if (index >= 0) this.waiting.splice(index, 1)
        reject(signal.reason)
      }
      this.waiting.push(grant)
      signal.addEventListener("abort", onAbort, { once: true })
    })
  }

  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.available++
  }
}
