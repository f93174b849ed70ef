// Worker threads for the file work of message writers (SMTP deliveries, mailbox import, restore):
// writing message files (write-message-files.ts) and syncfs(2) (sync-file-system.ts). On the event loop
// both stalled everything else — four system calls per 4 KiB file, 30–60 µs, hundreds when the
// kernel is slow to allocate inodes, and 10–30 ms of syncfs per batch — and on Bun's thread pool a
// file takes three trips, each continued only when the event loop next turns. Here the event loop
// posts a whole batch and awaits one answer, parsing the next messages meanwhile (bench/import.ts).
// One writing thread also keeps creates in one directory from spinning on its lock, as two pool
// threads did (twice the system time while the kernel was slow to allocate inodes).
//
// For the delivery committer the worker also indexes the batch (writeSyncAndIndex): it keeps its
// own SQLite connection to the database, at synchronous = NORMAL, runs the batch's transaction and
// fdatasyncs the -wal file, so the event loop only posts the batch and answers the deliveries. The
// connection is closed after half the idle time, before the worker itself is ended.
//
// The worker's code is a string (a Blob URL), so the single executable needs no extra entry point.
// It holds the process open only while a job is in flight and ends after a few idle seconds: a
// bulk job keeps it busy, an idle server should not keep a second JS heap.
import { closeSync, futimesSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { ALLOCATE_UIDS_SQL, INSERT_MESSAGE_SQL } from './message-row-inserter.ts'

/** What syncfs did: synced, failed (rc ≠ 0 or the path could not be opened), or no syncfs in this libc. */
export type SyncfsOutcome = 'synced' | 'failed' | 'unavailable'

export interface FileJob {
  /** Created exclusively ('wx'), written, dated, then renamed to `path`. */
  tmp: string
  path: string
  content: Uint8Array
  /** mtime (ms). */
  mtime: number
}

export interface MaildirBatchWorker {
  /**
   * Write the files in order. Rejects with the first error, after removing every file of the job
   * it created (never a tmp/ file whose name was taken: 'wx' failed on it). Null when no worker
   * can run here.
   */
  writeFiles(files: readonly FileJob[]): Promise<void> | null
  /**
   * Write each file on its own (a failed one is removed and the others go on), then syncfs the
   * file systems holding `syncPaths` — one job, so the delivery committer's batch (SMTP messages)
   * costs one trip to the worker. With `fdatasyncFirst`, that file is fdatasynced before anything
   * else and `fdatasynced` settles as soon as it is (the committer's WAL: its previous batch is
   * answered without waiting for this one's files). Null when no worker can run here.
   */
  writeEachAndSync(
    files: readonly FileJob[],
    syncPaths: readonly string[],
    options?: { fdatasyncFirst?: string },
  ): { written: Promise<WriteEachAnswer>; fdatasynced: Promise<SyncfsOutcome> | null } | null
  /**
   * writeEachAndSync, then, when every sync succeeded, the delivery committer's steps 2 and 3 on
   * this worker: the rows indexed in one IMMEDIATE transaction on the worker's own connection to
   * the database at `db` (a WAL database), and its -wal file fdatasynced. Null when no worker can
   * run here.
   */
  writeSyncAndIndex(
    files: readonly FileJob[],
    syncPaths: readonly string[],
    index: { db: string; rows: readonly IndexRow[] },
  ): Promise<IndexAnswer> | null
  /** syncfs on the file system holding `path`; null when no worker can run here. */
  syncfs(path: string): Promise<SyncfsOutcome> | null
}

/** A message row for the worker to index: see WORKER_SOURCE indexRows. */
export type IndexRow = [
  mailboxId: number,
  fileName: string,
  size: number,
  internalDate: number,
  flags: number,
  keywordsJson: string,
  envelopeJson: string | null,
  bodyStructureJson: string | null,
  /** The row's file among this job's files, or -1 when it was written before. */
  fileIndex: number,
]

export interface IndexAnswer extends WriteEachAnswer {
  /** Per row: [uid, modseq, uidValidity], or null (its file failed, or its mailbox is gone). Absent when nothing was indexed. */
  rows?: Array<[number, number, number] | null>
  /** The transaction failed (nothing indexed). */
  indexError?: string
  /** The -wal file was fdatasynced after the commit. */
  walSynced?: boolean
}

export interface WriteEachAnswer {
  /** Per file, in order: null when written, else why not. */
  errors: Array<Error | null>
  /** Per sync path, in order. */
  synced: SyncfsOutcome[]
}

const WORKER_SOURCE = `
import { dlopen, FFIType } from 'bun:ffi'
import { Database } from 'bun:sqlite'
import { closeSync, fdatasyncSync, futimesSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
let syncfs = null
for (const name of ${JSON.stringify(['libc.so.6', 'libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1'])}) {
  try {
    const lib = dlopen(name, { syncfs: { args: [FFIType.i32], returns: FFIType.i32 } })
    syncfs = fd => lib.symbols.syncfs(fd)
    break
  } catch {}
}
// A sync through a descriptor of \`path\`: 'synced' when \`sync\` says it worked, else 'failed'.
const syncThrough = (path, sync) => {
  let fd = -1
  try {
    fd = openSync(path, 'r')
    return { outcome: sync(fd) ? 'synced' : 'failed' }
  } catch {
    return { outcome: 'failed' }
  } finally {
    if (fd >= 0) closeSync(fd)
  }
}
const runSyncfs = path => (syncfs === null ? { outcome: 'unavailable' } : syncThrough(path, fd => syncfs(fd) === 0))
const runFdatasync = path => syncThrough(path, fd => (fdatasyncSync(fd), true))
const messageOf = e => String(e && e.message ? e.message : e)
const writeFiles = job => {
  const all = job.bytes instanceof Uint8Array ? job.bytes : new Uint8Array(job.bytes)
  const created = []
  try {
    for (let i = 0, start = 0; i < job.tmp.length; start = job.ends[i++]) {
      const fd = openSync(job.tmp[i], 'wx', 0o600)
      created.push(job.tmp[i])
      try {
        const bytes = all.subarray(start, job.ends[i])
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at)
        const when = new Date(job.mtime[i])
        futimesSync(fd, when, when)
      } finally {
        closeSync(fd)
      }
      renameSync(job.tmp[i], job.path[i])
      created.push(job.path[i])
    }
    return { error: null }
  } catch (e) {
    for (const path of created) {
      try {
        unlinkSync(path)
      } catch {}
    }
    return { error: { message: messageOf(e), code: e && e.code } }
  }
}
const writeEach = job => {
  const all = new Uint8Array(job.bytes)
  const errors = []
  for (let i = 0, start = 0; i < job.tmp.length; start = job.ends[i++]) {
    const one = { tmp: [job.tmp[i]], path: [job.path[i]], mtime: [job.mtime[i]], ends: [job.ends[i] - start] }
    errors.push(writeFiles({ ...one, bytes: all.subarray(start, job.ends[i]) }).error)
  }
  const synced = job.sync.map(path => runSyncfs(path).outcome)
  if (!job.index || synced.some(outcome => outcome !== 'synced')) return { errors, synced }
  return { errors, synced, ...indexRows(job.index, errors) }
}
// The delivery committer's step 2 and 3 (delivery-committer.ts, message-row-inserter.ts): one
// IMMEDIATE transaction on this thread's own connection (committed without a sync), then an
// fdatasync of the -wal file. Rows are [mailboxId, fileName, size, internalDate, flags, keywords,
// envelopeJson, bodyStructureJson, fileIndex]; a row whose file this job failed to write is skipped.
let connection = null
let closeTimer = null
const closeIndex = () => {
  if (connection) connection.db.close()
  connection = null
}
const openIndex = path => {
  if (connection && connection.path === path) return connection
  if (connection) connection.db.close()
  const db = new Database(path)
  db.run('PRAGMA busy_timeout = 5000')
  db.run('PRAGMA foreign_keys = ON')
  db.run('PRAGMA synchronous = NORMAL')
  connection = {
    path,
    db,
    begin: db.query('BEGIN IMMEDIATE'),
    commit: db.query('COMMIT'),
    rollback: db.query('ROLLBACK'),
    allocate: db.query(${JSON.stringify(ALLOCATE_UIDS_SQL)}),
    insert: db.query(${JSON.stringify(INSERT_MESSAGE_SQL)}),
  }
  return connection
}
const indexRows = (index, fileErrors) => {
  // Closed when idle, before the main thread ends this worker (its idle limit is longer).
  clearTimeout(closeTimer)
  closeTimer = setTimeout(closeIndex, index.closeAfterMs)
  let c
  try {
    c = openIndex(index.db)
  } catch (e) {
    return { indexError: messageOf(e) }
  }
  const rows = new Array(index.rows.length).fill(null)
  const byMailbox = new Map()
  index.rows.forEach((row, i) => {
    if (row[8] >= 0 && fileErrors[row[8]]) return
    const list = byMailbox.get(row[0])
    if (list) list.push(i)
    else byMailbox.set(row[0], [i])
  })
  try {
    c.begin.run()
    try {
      for (const [mailboxId, list] of byMailbox) {
        const ids = c.allocate.get(list.length, mailboxId)
        if (!ids) continue
        const firstUid = ids.uidNext - list.length
        list.forEach((i, k) => {
          const r = index.rows[i]
          c.insert.run(mailboxId, firstUid + k, ids.modseq, r[4], r[5], r[3], r[2], r[1], r[6], r[7])
          rows[i] = [firstUid + k, ids.modseq, ids.uidValidity]
        })
      }
      c.commit.run()
    } catch (e) {
      if (c.db.inTransaction) c.rollback.run()
      throw e
    }
  } catch (e) {
    return { indexError: messageOf(e) }
  }
  return { rows, walSynced: runFdatasync(index.db.concat('-wal')).outcome === 'synced' }
}
self.onmessage = ({ data: [meta, bytes] }) => {
  const data = JSON.parse(meta)
  data.bytes = bytes
  if (data.fdatasyncFirst) {
    const { id, path } = data.fdatasyncFirst
    postMessage(JSON.stringify({ id, ...runFdatasync(path) }))
  }
  postMessage(JSON.stringify({
    id: data.id,
    ...(data.kind === 'syncfs' ? runSyncfs(data.path) : data.kind === 'each' ? writeEach(data) : writeFiles(data)),
  }))
}
`

/** How long an idle worker is kept for the next job. */
const IDLE_MS = 5000

/**
 * A write job as posted: the contents packed into one buffer that is handed over, not copied — a
 * structured clone of hundreds of arrays cost the event loop more than writing them (~13 µs each).
 */
interface PackedWrite {
  /** write: all or nothing (bulk appends); each: every file on its own, then syncfs (deliveries). */
  kind: 'write' | 'each'
  tmp: string[]
  path: string[]
  mtime: number[]
  /** End offset of each file's bytes in `bytes`. */
  ends: number[]
  bytes: ArrayBuffer
  /** 'each': paths whose file systems are synced after the writes. */
  sync?: readonly string[]
  /** 'each': a file fdatasynced before the writes, answered on its own under this id. */
  fdatasyncFirst?: { id: number; path: string }
  /** 'each': rows indexed after the syncs (writeSyncAndIndex). */
  index?: { db: string; rows: readonly IndexRow[]; closeAfterMs: number }
}
type Job = { kind: 'syncfs'; path: string } | PackedWrite
interface Answer {
  id: number
  outcome?: SyncfsOutcome
  error?: WorkerError | null
  /** Per file, for an 'each' job. */
  errors?: Array<WorkerError | null>
  synced?: SyncfsOutcome[]
  rows?: Array<[number, number, number] | null>
  indexError?: string
  walSynced?: boolean
}
interface WorkerError {
  message: string
  code?: string
}

interface Running {
  worker: Worker
  url: string
  pending: Map<number, { resolve(answer: Answer): void; reject(error: Error): void }>
  idle: ReturnType<typeof setTimeout> | null
}

export function createMaildirBatchWorker(options: { idleMs?: number } = {}): MaildirBatchWorker {
  const idleMs = options.idleMs ?? IDLE_MS
  let running: Running | null = null
  let broken = false
  let nextId = 0

  const stop = (r: Running, error: Error | null) => {
    if (running === r) running = null
    if (r.idle) clearTimeout(r.idle)
    for (const waiter of r.pending.values()) waiter.reject(error ?? new Error('the file worker stopped'))
    r.pending.clear()
    r.worker.terminate()
    URL.revokeObjectURL(r.url)
  }

  const start = (): Running | null => {
    if (running) return running
    if (broken || typeof Worker === 'undefined') return null
    let url = ''
    try {
      url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'application/javascript' }))
      const r: Running = { worker: new Worker(url), url, pending: new Map(), idle: null }
      r.worker.unref()
      r.worker.onmessage = (event: MessageEvent<string>) => {
        const answer = JSON.parse(event.data) as Answer
        const waiter = r.pending.get(answer.id)
        r.pending.delete(answer.id)
        if (r.pending.size === 0) {
          r.worker.unref()
          r.idle = setTimeout(() => stop(r, null), idleMs)
          r.idle.unref()
        }
        waiter?.resolve(answer)
      }
      // A worker that cannot start or crashes fails its jobs; callers do the work themselves from now on.
      r.worker.onerror = event => {
        broken = true
        stop(r, new Error(`the file worker failed: ${event.message}`))
      }
      running = r
      return r
    } catch {
      broken = true
      if (url !== '') URL.revokeObjectURL(url)
      return null
    }
  }

  /** An answer the worker will send under a new id (a job's, or a part's answered early). */
  const awaitAnswer = (r: Running): { id: number; answer: Promise<Answer> } => {
    const id = nextId++
    const answer = new Promise<Answer>((resolve, reject) => r.pending.set(id, { resolve, reject }))
    return { id, answer }
  }

  const post = (
    job: Job,
    transfer: ArrayBuffer[] = [],
    early?: (r: Running) => Partial<PackedWrite>,
  ): Promise<Answer> | null => {
    const r = start()
    if (!r) return null
    if (r.idle) clearTimeout(r.idle)
    r.idle = null
    r.worker.ref()
    const extra = early?.(r)
    const { id, answer } = awaitAnswer(r)
    // Everything but the bytes goes as one JSON string: a structured clone of arrays of strings
    // costs the event loop about three times as much (~14 µs against ~5 µs a batch, measured).
    // The job is made for this call, so it is completed in place rather than copied by spreads.
    const meta = job as Job & { bytes?: ArrayBuffer; id?: number }
    const bytes = meta.bytes ?? null
    meta.bytes = undefined // left out of the JSON
    meta.id = id
    if (extra) Object.assign(meta, extra)
    r.worker.postMessage([JSON.stringify(meta), bytes], transfer)
    return answer
  }

  return {
    writeFiles(files) {
      // The bytes are copied (the caller still reads them) into a buffer that is handed over.
      const job = pack(files, 'write')
      return (
        post(job, [job.bytes])?.then(answer => {
          if (answer.error) throw asError(answer.error)
        }) ?? null
      )
    },
    writeEachAndSync(files, syncPaths, options = {}) {
      const job: PackedWrite = { ...pack(files, 'each'), sync: [...syncPaths] }
      let fdatasynced: Promise<SyncfsOutcome> | null = null
      const first = options.fdatasyncFirst
      const answered = post(job, [job.bytes], r => {
        if (first === undefined) return {}
        const { id, answer } = awaitAnswer(r)
        fdatasynced = answer.then(a => a.outcome ?? 'failed')
        return { fdatasyncFirst: { id, path: first } }
      })
      if (!answered) return null
      const written = answered.then(answer => eachAnswer(files, syncPaths, answer))
      return { written, fdatasynced }
    },
    writeSyncAndIndex(files, syncPaths, index) {
      // The worker closes its connection when idle, well before this side ends the worker.
      const closeAfterMs = Math.max(1, Math.floor(idleMs / 2))
      const job: PackedWrite = { ...pack(files, 'each'), sync: [...syncPaths], index: { ...index, closeAfterMs } }
      return (
        post(job, [job.bytes])?.then(answer => ({
          ...eachAnswer(files, syncPaths, answer),
          rows: answer.rows,
          indexError: answer.indexError,
          walSynced: answer.walSynced,
        })) ?? null
      )
    },
    syncfs(path) {
      return post({ kind: 'syncfs', path })?.then(answer => answer.outcome ?? 'failed') ?? null
    },
  }
}

/** An 'each' job's answer per file and per sync path; a path the worker did not answer counts as failed. */
function eachAnswer(files: readonly FileJob[], syncPaths: readonly string[], answer: Answer): WriteEachAnswer {
  return {
    errors: files.map((_, i) => {
      const error = answer.errors?.[i]
      return error ? asError(error) : null
    }),
    synced: syncPaths.map((_, i) => answer.synced?.[i] ?? 'failed'),
  }
}

function asError(error: WorkerError): Error {
  return Object.assign(new Error(error.message), { code: error.code })
}

/**
 * The worker's steps on this thread, for where no worker can run: each file created exclusively in
 * tmp/ ('wx'), written, dated, renamed into cur/. On a failure every file of the call it created is
 * removed (never a tmp/ file whose name was taken) and the error is thrown.
 */
export function writeFilesHere(jobs: readonly FileJob[]): void {
  const created: string[] = []
  try {
    for (const job of jobs) {
      const fd = openSync(job.tmp, 'wx', 0o600)
      created.push(job.tmp)
      try {
        const bytes = job.content
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at)
        const when = new Date(job.mtime)
        futimesSync(fd, when, when)
      } finally {
        closeSync(fd)
      }
      renameSync(job.tmp, job.path)
      created.push(job.path)
    }
  } catch (e) {
    for (const path of created) {
      try {
        unlinkSync(path)
      } catch {
        // removed already
      }
    }
    throw e
  }
}

/**
 * `size` bytes over an ArrayBuffer of their own (it is transferred), not zero-filled: pack() writes
 * every byte. allocUnsafeSlow never hands out a slice of Buffer's shared pool.
 */
function handOverBuffer(size: number): Uint8Array<ArrayBuffer> {
  const unfilled = Buffer.allocUnsafeSlow(size)
  return unfilled.byteOffset === 0 && unfilled.buffer.byteLength === size && unfilled.buffer instanceof ArrayBuffer
    ? new Uint8Array(unfilled.buffer, 0, size)
    : new Uint8Array(size)
}

function pack(files: readonly FileJob[], kind: PackedWrite['kind']): PackedWrite {
  let total = 0
  for (const file of files) total += file.content.length
  const bytes = handOverBuffer(total)
  const ends = new Array<number>(files.length)
  let at = 0
  for (const [i, file] of files.entries()) {
    bytes.set(file.content, at)
    at += file.content.length
    ends[i] = at
  }
  return {
    kind,
    tmp: files.map(f => f.tmp),
    path: files.map(f => f.path),
    mtime: files.map(f => f.mtime),
    ends,
    bytes: bytes.buffer,
  }
}

/**
 * Which shared worker: files are written on one and syncfs runs on another, so the next batch's
 * files are written while a syncfs waits for the disk (tens of milliseconds a batch).
 */
export type WorkerRole = 'write' | 'sync'

// One per role and process: every bulk job of the process shares them (each ends itself when idle).
const shared = new Map<WorkerRole, MaildirBatchWorker>()

export function sharedMaildirBatchWorker(role: WorkerRole): MaildirBatchWorker {
  let worker = shared.get(role)
  if (!worker) {
    worker = createMaildirBatchWorker()
    shared.set(role, worker)
  }
  return worker
}
