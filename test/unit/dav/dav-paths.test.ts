// The /dav URL layout: parsing request paths (percent-decoding, case of the account segment,
// rejected shapes) and building hrefs that parse back to the same target.
import { describe, expect, test } from 'bun:test'
import { DavError } from '../../../src/dav/dav-error.ts'
import {
  collectionHref,
  destinationPath,
  encodeSegment,
  homeHref,
  objectHref,
  parseDavPath,
  principalHref,
} from '../../../src/dav/dav-paths.ts'

describe('parseDavPath', () => {
  test.each([
    ['/dav', { type: 'root' }],
    ['/dav/', { type: 'root' }],
    ['/dav/principals/', { type: 'principals' }],
    ['/dav/principals/Ann@Example.test/', { type: 'principal', owner: 'ann@example.test' }],
    ['/dav/principals/ann%40example.test', { type: 'principal', owner: 'ann@example.test' }],
    ['/dav/calendars/ann@x.test/', { type: 'home', kind: 'calendar', owner: 'ann@x.test' }],
    ['/dav/addressbooks/ann@x.test', { type: 'home', kind: 'addressbook', owner: 'ann@x.test' }],
    [
      '/dav/calendars/ann@x.test/work/',
      { type: 'collection', kind: 'calendar', owner: 'ann@x.test', collection: 'work' },
    ],
    [
      '/dav/calendars/ann@x.test/My%20Cal/ev%201.ics',
      { type: 'object', kind: 'calendar', owner: 'ann@x.test', collection: 'My Cal', object: 'ev 1.ics' },
    ],
    [
      '/dav/addressbooks/ann@x.test/default/Ab%2Fc.vcf',
      null, // an encoded slash would make a name that is not one segment
    ],
    ['/dav/calendars/ann@x.test/a/b/c', null],
    ['/dav/other/ann@x.test/', null],
    ['/dav/calendars/', null],
    ['/dav/principals/ann@x.test/extra/', null],
    ['/dav/calendars/ann@x.test/%2E%2E/', null],
    ['/api/v1/dav/', null],
    ['/davx/', null],
  ])('%s', (path, expected) => {
    expect(parseDavPath(path)).toEqual(expected as ReturnType<typeof parseDavPath>)
  })

  test('a broken percent-encoding is a 400', () => {
    expect(() => parseDavPath('/dav/calendars/ann@x.test/%E0%A4%A/')).toThrow(DavError)
  })
})

describe('hrefs', () => {
  test('keep @ readable and round-trip through the parser', () => {
    expect(principalHref('ann@x.test')).toBe('/dav/principals/ann@x.test/')
    expect(homeHref('addressbook', 'ann@x.test')).toBe('/dav/addressbooks/ann@x.test/')
    expect(collectionHref('calendar', 'ann@x.test', 'a b')).toBe('/dav/calendars/ann@x.test/a%20b/')
    const href = objectHref('calendar', 'ann@x.test', 'work', 'ü?#%.ics')
    expect(href).toBe('/dav/calendars/ann@x.test/work/%C3%BC%3F%23%25.ics')
    expect(parseDavPath(href)).toEqual({
      type: 'object',
      kind: 'calendar',
      owner: 'ann@x.test',
      collection: 'work',
      object: 'ü?#%.ics',
    })
    expect(encodeSegment('a:b+c=d')).toBe('a:b+c=d')
  })

  test('Destination: absolute URI or path on this host; another host is 502', () => {
    expect(destinationPath('http://h:1/dav/x', 'http://h:1/dav/y')).toBe('/dav/x')
    expect(destinationPath('/dav/x', 'http://h:1/dav/y')).toBe('/dav/x')
    let error: unknown
    try {
      destinationPath('http://elsewhere/dav/x', 'http://h:1/dav/y')
    } catch (e) {
      error = e
    }
    expect((error as DavError).status).toBe(502)
  })
})
