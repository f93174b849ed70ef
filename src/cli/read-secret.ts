// Reads a password without putting it in argv (visible in `ps` and shell history): from stdin
// when piped (--password-stdin), or from the terminal with echo off.

/** First line of stdin, without the line ending (CRLF or LF). */
export async function readStdinLine(): Promise<string> {
  const text = await new Response(Bun.stdin.stream()).text()
  const nl = text.indexOf('\n')
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '')
}

/** Prompt on the terminal with echo off. Rejects on Ctrl-C / Ctrl-D. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin
  if (!stdin.isTTY) return Promise.reject(new Error('no terminal to ask for a password: use --password-stdin'))
  process.stderr.write(question)
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = (err?: Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      process.stderr.write('\n')
      err ? reject(err) : resolve(value)
    }
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish()
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.setRawMode(true)
    stdin.resume()
    stdin.on('data', onData)
  })
}

/** Random password for `--generate`: 20 characters from an unambiguous alphabet (~115 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const out: string[] = []
  // Rejection sampling keeps the distribution uniform.
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 256 - (256 % alphabet.length) && out.length < length) out.push(alphabet[b % alphabet.length] as string)
    }
  }
  return out.join('')
}
