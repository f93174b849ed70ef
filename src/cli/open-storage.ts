// Storage for one CLI command: opened from the validated config, closed when the command ends.
// No reconcile here: the CLI may run beside a live server (see storage/storage.ts).
import { createStorage, type Storage } from '../storage/index.ts'
import { type CommonArgValues, loadCliContext } from './context.ts'

export async function withStorage<T>(
  args: CommonArgValues,
  rawArgs: readonly string[],
  run: (storage: Storage) => Promise<T>,
): Promise<T> {
  const { config, logger } = await loadCliContext(args, rawArgs)
  // A command's own output is its result; routine info lines (migrations applied) would be noise.
  if (logger.level === 'debug' || logger.level === 'info') logger.setLevel('warn')
  const storage = await createStorage({ dataDir: config.dataDir, logger, hostname: config.hostname })
  try {
    return await run(storage)
  } finally {
    storage.close()
  }
}
