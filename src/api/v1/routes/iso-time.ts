/** Milliseconds since the epoch → RFC 3339 UTC, as every time in the API is sent. */
export const isoTime = (ms: number): string => new Date(ms).toISOString()

export const isoTimeOrNull = (ms: number | null): string | null => (ms === null ? null : isoTime(ms))
