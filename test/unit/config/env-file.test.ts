// The env-file parser (systemd EnvironmentFile= / dotenv dialect), well-formed and malformed lines.
import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError } from '../../../src/config/config-error.ts'
import { parseEnvFile, readEnvFile } from '../../../src/config/env-file.ts'

const values = (text: string) => Object.fromEntries(parseEnvFile(text, 'test.env').map(e => [e.name, e.value]))

describe('parseEnvFile accepts', () => {
  const rows: [string, string, Record<string, string>][] = [
    ['plain', 'A=1', { A: '1' }],
    ['empty value', 'A=', { A: '' }],
    ['spaces around =', 'A = 1 ', { A: '1' }],
    ['export prefix', 'export A=1', { A: '1' }],
    ['comment lines and blanks', '# c\n; c\n\n   \nA=1\n', { A: '1' }],
    ['inline comment after unquoted value', 'A=1 # one', { A: '1' }],
    ['hash inside an unquoted value', 'A=a#b', { A: 'a#b' }],
    ['double quotes', 'A="x y"', { A: 'x y' }],
    ['double-quote escapes', 'A="a\\"b\\\\c\\nd\\te\\$f"', { A: 'a"b\\c\nd\te$f' }],
    ['unknown escape kept', 'A="C:\\path"', { A: 'C:\\path' }],
    ['single quotes are literal', "A='x \\n $y'", { A: 'x \\n $y' }],
    ['comment after a quoted value', 'A="x" # c', { A: 'x' }],
    ['= inside the value', 'URL=https://h/p?a=b', { URL: 'https://h/p?a=b' }],
    ['multi-line double-quoted value', 'A="l1\nl2"\nB=2', { A: 'l1\nl2', B: '2' }],
    ['multi-line single-quoted value', "K='-----BEGIN\nabc\n-----END'", { K: '-----BEGIN\nabc\n-----END' }],
    ['CRLF line ends', 'A=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['byte order mark', '\uFEFFA=1', { A: '1' }],
    ['later assignment wins', 'A=1\nA=2', { A: '2' }],
    ['no $VAR expansion', 'A=$HOME', { A: '$HOME' }],
    ['lower-case and underscore names', '_a_1=x', { _a_1: 'x' }],
  ]
  test.each(rows)('%s', (_name, text, expected) => {
    expect(values(text)).toEqual(expected)
  })

  test('entries carry the line where the assignment starts', () => {
    expect(parseEnvFile('\n# c\nA="x\ny"\nB=1', 'f').map(e => [e.name, e.line])).toEqual([
      ['A', 3],
      ['B', 5],
    ])
  })
})

describe('parseEnvFile rejects with file:line', () => {
  const rows: [string, string, string, string][] = [
    ['missing =', 'A=1\nJUSTANAME\n', 'test.env:2', 'expected KEY=value, got "JUSTANAME"'],
    ['bad name', '1A=x', 'test.env:1', 'invalid variable name "1A"'],
    ['space in name', 'MY VAR=x', 'test.env:1', 'invalid variable name "MY VAR"'],
    ['empty name', '=x', 'test.env:1', 'invalid variable name ""'],
    ['unterminated double quote', 'A=1\nB="open\nC=3', 'test.env:2', 'unterminated double-quoted value for B'],
    ['unterminated single quote', "B='open", 'test.env:1', 'unterminated single-quoted value for B'],
    ['text after closing quote', 'A="x"y', 'test.env:1', 'unexpected text after the closing quote of A'],
    ['export without assignment', 'export A', 'test.env:1', 'expected KEY=value'],
  ]
  test.each(rows)('%s', (_name, text, source, message) => {
    try {
      parseEnvFile(text, 'test.env')
      throw new Error('expected a ConfigError')
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const issue = (e as ConfigError).issues[0]
      expect(issue?.source).toBe(`env-file ${source}`)
      expect(issue?.message).toContain(message)
    }
  })

  test('every malformed line is reported', () => {
    try {
      parseEnvFile('A\nB=1\nC\n', 'f.env')
      throw new Error('expected a ConfigError')
    } catch (e) {
      expect((e as ConfigError).issues.map(i => i.source)).toEqual(['env-file f.env:1', 'env-file f.env:3'])
    }
  })
})

describe('readEnvFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-file-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('reads a file from disk', () => {
    const file = path.join(dir, 'mail.env')
    fs.writeFileSync(file, 'SMTP_DELIVERY_METHOD=ses\n')
    expect(readEnvFile(file)).toEqual([{ name: 'SMTP_DELIVERY_METHOD', value: 'ses', line: 1 }])
  })

  test('a missing file is a ConfigError naming the path', () => {
    const missing = path.join(dir, 'nope.env')
    expect(() => readEnvFile(missing)).toThrow(`cannot read env file ${missing} (ENOENT)`)
  })
})
