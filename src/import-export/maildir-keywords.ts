// Dovecot's `dovecot-keywords` file: IMAP keywords in Maildir file names. Each folder lists its
// keywords one per line as `<index> <keyword>`; index 0 is the info letter `a`, 1 is `b`, … up to
// 25 (`z`). Other Maildir readers ignore lower-case letters they do not know.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export const KEYWORDS_FILE = 'dovecot-keywords'
const MAX_KEYWORDS = 26

/** index letter → keyword, from a folder's dovecot-keywords (empty when the file is absent). */
export async function readKeywordLetters(folderDir: string): Promise<Map<string, string>> {
  const letters = new Map<string, string>()
  const text = await readFile(join(folderDir, KEYWORDS_FILE), 'utf8').catch(() => '')
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\S+)$/.exec(line.trim())
    if (!m) continue
    const index = Number(m[1])
    if (index < MAX_KEYWORDS) letters.set(String.fromCharCode(0x61 + index), m[2] as string)
  }
  return letters
}

/** Assigns letters to keywords in first-seen order; keywords beyond 26 get none. */
export class KeywordLetterTable {
  private readonly byKeyword = new Map<string, string>()

  letters(keywords: readonly string[]): string {
    let out = ''
    for (const keyword of keywords) {
      let letter = this.byKeyword.get(keyword)
      if (letter === undefined && this.byKeyword.size < MAX_KEYWORDS) {
        letter = String.fromCharCode(0x61 + this.byKeyword.size)
        this.byKeyword.set(keyword, letter)
      }
      if (letter !== undefined) out += letter
    }
    return out
  }

  /** The file's content, or null when no keyword was used. */
  fileContent(): string | null {
    if (this.byKeyword.size === 0) return null
    return [...this.byKeyword].map(([keyword, letter]) => `${letter.charCodeAt(0) - 0x61} ${keyword}\n`).join('')
  }
}
