// The "base subject" of RFC 5256 §2.1, the key of SORT (SUBJECT) and of both THREAD algorithms,
// extracted exactly as the RFC's seven steps say (all comparisons case-insensitive):
//
//   subj-refwd   = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
//   subj-blob    = "[" *BLOBCHAR "]" *WSP           BLOBCHAR: any CHAR (7-bit) but "[" and "]"
//   subj-leader  = (*subj-blob subj-refwd) / WSP
//   subj-trailer = "(fwd)" / WSP
//   subj-fwd     = "[fwd:" subject "]"
//
// It also says whether the subject marked a reply or a forward, which THREAD=REFERENCES needs in
// its step 6 (RFC 5256 §2.2: the extraction removed a subj-refwd, a "(fwd)" trailer, or a
// subj-fwd-hdr and subj-fwd-trl).
import { decodeWords } from '../message/encoded-words.ts'

export interface BaseSubject {
  /** The base subject (UTF-8 text; may be empty). */
  subject: string
  /** RFC 5256 §2.2 step 6: the original subject marked a reply or a forward. */
  isReplyOrForward: boolean
}

// BLOBCHAR = %x01-5a / %x5c / %x5e-7f (RFC 5256 §5); WSP is SP / HTAB.
const BLOB = '\\[[\\x01-\\x5a\\x5c\\x5e-\\x7f]*\\][ \\t]*'
/** Step 3: one subj-leader. Group 1 is set when it is the subj-refwd form. */
const LEADER = new RegExp(`^(?:((?:${BLOB})*(?:re|fwd?)[ \\t]*(?:${BLOB})?:)|[ \\t])`, 'i')
/** Step 4: a subj-blob at the start. */
const LEADING_BLOB = new RegExp(`^${BLOB}`)
const FWD_TRAILER = '(fwd)'
const FWD_HEADER = '[fwd:'

/** `rawSubject`: the Subject field as written (encoded-words undecoded), or null when absent. */
export function extractBaseSubject(rawSubject: string | null): BaseSubject {
  if (rawSubject === null) return { subject: '', isReplyOrForward: false }
  let isReplyOrForward = false
  // (1) Decode encoded-words to UTF-8; tabs and continuations become SP; runs of SP one SP.
  let text = decodeWords(rawSubject)
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/[\t\r\n]/g, ' ')
    .replace(/ {2,}/g, ' ')
  for (;;) {
    // (2) Remove subj-trailers from the end until none is left.
    for (;;) {
      if (text.endsWith(' ') || text.endsWith('\t')) text = text.slice(0, -1)
      else if (text.slice(-FWD_TRAILER.length).toLowerCase() === FWD_TRAILER) {
        text = text.slice(0, -FWD_TRAILER.length)
        isReplyOrForward = true
      } else break
    }
    // (5) Repeat (3) and (4) until neither matches.
    for (;;) {
      // (3) Remove a subj-leader.
      const leader = LEADER.exec(text)
      if (leader !== null) {
        if (leader[1] !== undefined) isReplyOrForward = true
        text = text.slice(leader[0].length)
        continue
      }
      // (4) Remove a leading subj-blob when what remains is a non-empty subj-base.
      const blob = LEADING_BLOB.exec(text)
      if (blob !== null && /[^ \t]/.test(text.slice(blob[0].length))) {
        text = text.slice(blob[0].length)
        continue
      }
      break
    }
    // (6) "[fwd:" ... "]" around the whole text: remove both and start again from (2).
    if (text.length >= FWD_HEADER.length + 1 && text.slice(0, FWD_HEADER.length).toLowerCase() === FWD_HEADER) {
      if (text.endsWith(']')) {
        text = text.slice(FWD_HEADER.length, -1)
        isReplyOrForward = true
        continue
      }
    }
    // (7) What is left is the base subject.
    return { subject: text, isReplyOrForward }
  }
}
