// Coalescing for fsync-like work: a request is satisfied by a run that *started* after it was made
// (a sync that began earlier may not cover writes made since). While a run is in progress, every
// new request waits for the one run that follows it, so N requests during a slow fsync cost one
// more fsync, not N.
export function coalescedSync(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null
  let next: Promise<void> | null = null
  const request = (): Promise<void> => {
    if (running === null) {
      running = run().finally(() => {
        running = null
      })
      return running
    }
    next ??= running
      .catch(() => {})
      .then(() => {
        next = null
        return request()
      })
    return next
  }
  return request
}
