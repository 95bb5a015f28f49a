/** The slice of autocannon's programmatic API the bench uses (it ships no types; @types would be one more dependency). */
declare module "autocannon" {
  interface Options {
    url: string
    method?: string
    connections?: number
    duration?: number
    overallRate?: number
    headers?: Record<string, string>
    body?: string
  }
  interface Histogram {
    average: number
    p50: number
    p99: number
  }
  interface Result {
    requests: Histogram
    latency: Histogram
    errors: number
    timeouts: number
    non2xx: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
