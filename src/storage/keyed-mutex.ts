// Serialises async work per key inside one process (one storage instance). Flag renames and
// expunges of a mailbox await filesystem calls between reading and writing the index; running them
// one at a time per mailbox keeps two sessions from renaming the same file from under each other.
export interface KeyedMutex {
  run<T>(key: string, work: () => Promise<T>): Promise<T>
}

export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<void>>()
  return {
    async run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve()
      let release: () => void = () => {}
      const done = new Promise<void>(resolve => {
        release = resolve
      })
      const tail = previous.then(() => done)
      tails.set(key, tail)
      await previous
      try {
        return await work()
      } finally {
        release()
        if (tails.get(key) === tail) tails.delete(key)
      }
    },
  }
}
