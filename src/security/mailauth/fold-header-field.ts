// Header field folding (RFC 5322 §2.2.3): long lines are broken before white space, so unfolding
// (removing each CRLF that precedes WSP) gives the original text back. Lines should stay within 78
// characters (§2.1.1) and must stay within 998; a run without spaces longer than that is left whole.
export const FOLD_WIDTH = 78

/**
 * Fold `field` (`Name: value`, possibly already containing CRLF + WSP breaks) and end it with CRLF.
 * Bare CR and LF anywhere else become spaces, so nothing from the outside can start a new field.
 */
export function foldHeaderField(field: string, width = FOLD_WIDTH): string {
  if (field.length <= width && !/[\r\n]/.test(field)) return `${field}\r\n`
  const safe = field.replace(/\r\n(?=[ \t])/g, '\n').replace(/\r\n|\r|\n(?![ \t])/g, ' ')
  const out: string[] = []
  for (const physical of safe.split('\n')) {
    let line = ''
    for (const word of splitKeepingSpace(physical)) {
      // Break only after real content: never leave a line holding just the field name or white space.
      if (line.length + word.length > width && /^[ \t]/.test(word) && /\S[ \t]+\S/.test(line)) {
        out.push(line)
        line = word
      } else line += word
    }
    out.push(line)
  }
  return `${out.join('\r\n')}\r\n`
}

/** `a b  c` → ['a', ' b', ' ', ' c']: each piece starts with the white space before it. */
function splitKeepingSpace(text: string): string[] {
  return text.match(/[ \t]?[^ \t]*/g)?.filter(p => p !== '') ?? []
}
