// Run `work` over `items` with at most `concurrency` at a time; the first failure stops new work
// and is rethrown once the running ones settle.
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  let failure: { error: unknown } | null = null
  const worker = async () => {
    while (failure === null) {
      const index = next++
      if (index >= items.length) return
      try {
        await work(items[index] as T, index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  if (failure !== null) throw (failure as { error: unknown }).error
}
