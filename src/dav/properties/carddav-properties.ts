// CardDAV live properties (RFC 6352 §6.2 collection properties, §7.1 principal properties).
import { homeHref } from '../dav-paths.ts'
import { NS, clark } from '../xml/dav-namespaces.ts'
import { el } from '../xml/xml-writer.ts'
import type { PropertyDefinition } from './property-definition.ts'

const CARD = (local: string) => clark(NS.CARDDAV, local)

export const carddavProperties: PropertyDefinition[] = [
  {
    name: CARD('addressbook-home-set'),
    allprop: false,
    get: (req, r) =>
      r.type === 'principal' ? [el(clark(NS.DAV, 'href'), [homeHref('addressbook', req.account.email)])] : undefined,
  },
  {
    name: CARD('addressbook-description'),
    allprop: true,
    get: (_req, r) =>
      r.type === 'collection' && r.collection.kind === 'addressbook' && r.collection.description !== null
        ? [r.collection.description]
        : undefined,
  },
  {
    name: CARD('supported-address-data'),
    allprop: false,
    get: (_req, r) =>
      r.type === 'collection' && r.collection.kind === 'addressbook'
        ? [
            el(CARD('address-data-type'), [], { 'content-type': 'text/vcard', version: '3.0' }),
            el(CARD('address-data-type'), [], { 'content-type': 'text/vcard', version: '4.0' }),
          ]
        : undefined,
  },
  {
    name: CARD('max-resource-size'),
    allprop: false,
    get: (req, r) =>
      r.type === 'collection' && r.collection.kind === 'addressbook'
        ? [String(req.services.settings.maxResourceSize)]
        : undefined,
  },
]
