// Where backups are stored: an S3 bucket (prefix) or a directory, behind one small interface of
// whole objects addressed by '/'-separated keys relative to the target's root.
export interface StoredObject {
  key: string
  size: number
  /** ms since the epoch. */
  lastModified: number
}

export interface BackupTarget {
  /** `s3://bucket/prefix` or the directory, for messages and the status. */
  readonly url: string
  put(key: string, data: Uint8Array): Promise<void>
  /** Stream an object of unknown size in; memory stays bounded. Returns the bytes stored. */
  putStream(key: string, data: ReadableStream<Uint8Array>): Promise<number>
  /** The whole object, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>
  /** Stream an object out; throws `backup_object_missing` when there is none. */
  getStream(key: string): Promise<ReadableStream<Uint8Array>>
  list(prefix: string): AsyncIterable<StoredObject>
  delete(key: string): Promise<void>
  /** Make everything put so far durable (a directory fsyncs; S3 acknowledges each put). */
  sync(): Promise<void>
}
