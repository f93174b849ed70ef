// RFC 5256 §2.1 base subject extraction, step by step, and the reply/forward marker THREAD=REFERENCES
// uses (§2.2 step 6). Each row is one rule of the algorithm, or a combination the steps must repeat.
import { describe, expect, test } from 'bun:test'
import { extractBaseSubject } from '../../../src/imap/sort/base-subject.ts'

describe('extractBaseSubject', () => {
  test.each([
    // [raw subject, base subject, reply or forward]
    ['test', 'test', false],
    ['Re: test', 'test', true],
    ['RE: Re: re: test', 'test', true],
    ['Fwd: test', 'test', true],
    ['Fw: test', 'test', true],
    ['FWD:test', 'test', true],
    ['Re : test', 'test', true], // subj-refwd allows WSP before ":"
    ['Re[2]: test', 'test', true], // subj-refwd with a subj-blob
    ['Re [2] : test', 'test', true],
    ['[list] Re: test', 'test', true], // subj-leader: *subj-blob subj-refwd
    ['Re: [list] test', 'test', true], // (4): a blob before a non-empty base
    ['[list] test', 'test', false],
    ['[a][b] test', 'test', false],
    ['[list]', '[list]', false], // (4): removing the blob would leave nothing
    ['[a] [b]', '[b]', false],
    ['test (fwd)', 'test', true], // (2) subj-trailer
    ['test (FWD) (fwd)  ', 'test', true],
    ['test\t(fwd)', 'test', true], // (1) tab becomes SP
    ['[fwd: test]', 'test', true], // (6)
    ['[Fwd: Re: test]', 'test', true],
    ['Re: [fwd: hello] (fwd)', 'hello', true], // (6), then again from (2)
    ['re: re: [fwd: re: hello (fwd)]', 'hello', true],
    ['[fwd: test', '[fwd: test', false], // no subj-fwd-trl
    ['Ref: test', 'Ref: test', false], // "re" must be followed by WSP, a blob or ":"
    ['Reply: test', 'Reply: test', false],
    ['  multiple   spaces  here ', 'multiple spaces here', false], // (1) runs of SP, leading WSP leaders
    ['Re:', '', true],
    ['', '', false],
    ['=?utf-8?q?Re=3A_caf=C3=A9?=', 'café', true], // (1) encoded-words are decoded first
    ['=?utf-8?b?W2xpc3RdIHRlc3Q=?=', 'test', false], // "[list] test"
    ['Re: =?iso-8859-1?q?=E9t=E9?= (fwd)', 'été', true],
    // BLOBCHAR is 7-bit CHAR (RFC 5256 §5): a blob with 8-bit text is not a subj-blob.
    ['[ünï] test', '[ünï] test', false],
  ])('%p → %p', (raw, base, reply) => {
    expect(extractBaseSubject(raw)).toEqual({ subject: base, isReplyOrForward: reply })
  })

  test('a missing Subject field has an empty base subject', () => {
    expect(extractBaseSubject(null)).toEqual({ subject: '', isReplyOrForward: false })
  })

  test('long and odd input terminates', () => {
    const raw = `${'Re: [x] '.repeat(2000)}${'(fwd)'.repeat(2000)}[fwd: ${'['.repeat(500)}]`
    expect(typeof extractBaseSubject(raw).subject).toBe('string')
  })
})
