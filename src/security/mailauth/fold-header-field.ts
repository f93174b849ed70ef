// Header field folding (RFC 5322 §2.2.3): long lines are broken before white space, so unfolding
// (removing each CRLF that precedes WSP) gives the original text back. Lines should stay within 78
// characters (§2.1.1) and must stay within 998; a run without spaces longer than that is left whole.
//
// Every delivered message gets a Received field folded here, so the words are found by scanning
// characters rather than by regular expressions per word (a regex split and two regex tests per
// word were 3% of the SMTP server's time per message, bench/smtp.ts profile).
export const FOLD_WIDTH = 78

const SPACE = 0x20
const TAB = 0x09
const isWsp = (c: number) => c === SPACE || c === TAB
/** Not white space in the sense of a regular expression's `\s`. */
const isNonSpace = (c: number) =>
  c < 0x80 ? c !== SPACE && (c < 0x09 || c > 0x0d) : !/\s/.test(String.fromCharCode(c))

/**
 * Fold `field` (`Name: value`, possibly already containing CRLF + WSP breaks) and end it with CRLF.
 * Bare CR and LF anywhere else become spaces, so nothing from the outside can start a new field.
 */
export function foldHeaderField(field: string, width = FOLD_WIDTH): string {
  const breaks = field.includes('\r') || field.includes('\n')
  if (field.length <= width && !breaks) return `${field}\r\n`
  const safe = breaks ? field.replace(/\r\n(?=[ \t])/g, '\n').replace(/\r\n|\r|\n(?![ \t])/g, ' ') : field
  const out: string[] = []
  for (const physical of safe.split('\n')) {
    let line = ''
    let content = ContentState.Empty
    // Each word starts with the one white-space character before it: `a b  c` → a, ` b`, ` `, ` c`.
    for (let start = 0; start < physical.length; ) {
      let end = start
      if (isWsp(physical.charCodeAt(end))) end++
      while (end < physical.length && !isWsp(physical.charCodeAt(end))) end++
      const word = physical.slice(start, end)
      // Break only after real content: never leave a line holding just the field name or white space.
      if (line.length + word.length > width && isWsp(word.charCodeAt(0)) && content === ContentState.Words) {
        out.push(line)
        line = word
        content = contentAfter(ContentState.Empty, word)
      } else {
        line += word
        content = contentAfter(content, word)
      }
      start = end
    }
    out.push(line)
  }
  return `${out.join('\r\n')}\r\n`
}

/** How far a line is from holding two words: text, then white space, then text again. */
const enum ContentState {
  Empty,
  Text,
  TextThenSpace,
  Words,
}

function contentAfter(state: ContentState, word: string): ContentState {
  for (let i = 0; i < word.length && state !== ContentState.Words; i++) {
    const c = word.charCodeAt(i)
    if (isNonSpace(c)) state = state === ContentState.TextThenSpace ? ContentState.Words : ContentState.Text
    else if (!isWsp(c))
      state = ContentState.Empty // other white space (a no-break space) is neither
    else if (state === ContentState.Text) state = ContentState.TextThenSpace
  }
  return state
}
