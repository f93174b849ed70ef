// The result of the small standalone parsers (sequence sets, dates, mailbox names): the tokenizer
// turns an error string into a BAD carrying the command's tag.
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string }

export const parsed = <T>(value: T): ParseResult<T> => ({ ok: true, value })
export const parseFailure = <T = never>(error: string): ParseResult<T> => ({ ok: false, error })
