// ENVELOPE, BODYSTRUCTURE and BODY as serializer values for a FETCH response. They are `raw`
// values because their grammar has lists without SP between elements (see imap-text.ts); the
// strings inside still follow the serializer's quoting and literal rules.
import { type ResponseValue, raw } from '../protocol/serializer.ts'
import { formatBodyStructure } from './body-structure.ts'
import { formatEnvelope, type ImapEnvelope } from './envelope.ts'
import type { ImapTextOptions } from './imap-text.ts'
import type { MimePart } from './mime-tree.ts'

export const envelopeValue = (envelope: ImapEnvelope, options: ImapTextOptions = {}): ResponseValue =>
  raw(formatEnvelope(envelope, options))

export const bodyStructureValue = (tree: MimePart, options: ImapTextOptions = {}): ResponseValue =>
  raw(formatBodyStructure(tree, { ...options, extended: true }))

/** FETCH BODY (no section): the non-extensible form. */
export const bodyValue = (tree: MimePart, options: ImapTextOptions = {}): ResponseValue =>
  raw(formatBodyStructure(tree, { ...options, extended: false }))
