// POSIX single quoting for values spliced into generated shell scripts (user data, the SSM deploy
// script): inside '…' nothing is special except the quote itself, written as '\''.
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain NUL')
  return `'${value.replace(/'/g, `'\\''`)}'`
}
