// The JSON logger: every line parses, carries time/level/msg, the child's fields and the call's
// fields (the call's win), secret-looking fields redacted at any depth, and levels filter.
import { describe, expect, test } from 'bun:test'
import { createLogger, type LogLevel } from '../../../src/core/logger.ts'

function capture(level: LogLevel = 'debug') {
  const lines: string[] = []
  const logger = createLogger({ level, format: 'json', sink: line => lines.push(line) })
  return { logger, lines, parsed: () => lines.map(l => JSON.parse(l) as Record<string, unknown>) }
}

describe('JSON log lines', () => {
  test('time, level and message come first; fields follow', () => {
    const { logger, lines, parsed } = capture()
    logger.info('hello "world"', { n: 1, list: [1, 2], nested: { a: 'b' } })
    expect(lines).toHaveLength(1)
    const [line] = parsed()
    expect(line).toMatchObject({ level: 'info', msg: 'hello "world"', n: 1, list: [1, 2], nested: { a: 'b' } })
    expect(Date.parse(line?.time as string)).toBeGreaterThan(Date.parse('2020-01-01'))
    expect(Object.keys(line ?? {}).slice(0, 3)).toEqual(['time', 'level', 'msg'])
  })

  test('a line without fields and a line with empty fields', () => {
    const { logger, parsed } = capture()
    logger.warn('bare')
    logger.error('empty', {})
    expect(parsed().map(l => Object.keys(l))).toEqual([
      ['time', 'level', 'msg'],
      ['time', 'level', 'msg'],
    ])
  })

  test('children carry their fields; grandchildren add theirs; the call overrides', () => {
    const { logger, lines, parsed } = capture()
    const child = logger.child({ cid: 'c1', proto: 'smtp' })
    const grandchild = child.child({ remote: '127.0.0.1:1', proto: 'smtps' })
    child.info('one')
    grandchild.info('two', { size: 3 })
    child.info('three', { cid: 'override', extra: true })
    const [one, two, three] = parsed()
    expect(one).toMatchObject({ msg: 'one', cid: 'c1', proto: 'smtp' })
    expect(two).toMatchObject({ msg: 'two', cid: 'c1', proto: 'smtps', remote: '127.0.0.1:1', size: 3 })
    expect(three).toMatchObject({ msg: 'three', cid: 'override', proto: 'smtp', extra: true })
    // No duplicate keys in the text either.
    expect(lines[2]?.match(/"cid"/g)).toHaveLength(1)
  })

  test.each([
    ['password', 'hunter2-value'],
    ['apiKey', 'key-value-1'],
    ['api_key', 'key-value-2'],
    ['Authorization', 'Basic eHl6'],
    ['sessionToken', 'token-value'],
    ['private-key', 'pem-value'],
    ['cookie', 'c=cookie-value'],
    ['clientSecret', 'secret-value'],
  ])('the field %s is redacted, in the call, in nested objects and in a child', (key, value) => {
    const { logger, lines } = capture()
    logger.info('call', { [key]: value })
    logger.info('nested', { request: { [key]: value } })
    logger.child({ [key]: value }).info('child')
    for (const line of lines) expect(line).not.toContain(value)
    expect(lines.every(l => l.includes('[redacted]'))).toBe(true)
  })

  test('ordinary fields are not redacted', () => {
    const { logger, parsed } = capture()
    logger.info('x', { user: 'a@b.test', comment: 'kept', size: 5 })
    expect(parsed()[0]).toMatchObject({ user: 'a@b.test', comment: 'kept', size: 5 })
  })

  test('errors become message, name and stack', () => {
    const { logger, parsed } = capture()
    logger.error('failed', { error: new TypeError('boom') })
    expect(parsed()[0]?.error).toMatchObject({ message: 'boom', name: 'TypeError' })
  })

  test('levels below the logger level are dropped; setLevel reaches children', () => {
    const { logger, parsed } = capture('warn')
    const child = logger.child({ cid: 'x' })
    logger.info('dropped')
    child.debug('dropped')
    child.warn('kept')
    logger.setLevel('debug')
    child.debug('kept too')
    expect(parsed().map(l => l.msg)).toEqual(['kept', 'kept too'])
  })
})
