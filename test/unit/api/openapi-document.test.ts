// The OpenAPI document: valid OpenAPI 3.1 structure (the required fields of each object, checked
// here by hand), every route of the /api/v1 app described and every description routed, and the
// served document is the built one.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { openApiDocumentFor } from '../../../src/api/v1/api-v1.ts'
import { apiOperations } from '../../../src/api/v1/contract/index.ts'
import { honoPath } from '../../../src/api/v1/register-operation.ts'
import { type ApiFixture, startApiFixture } from './support/api-fixture.ts'

let f: ApiFixture
beforeAll(async () => {
  f = await startApiFixture()
})
afterAll(() => f.close())

type Json = Record<string, unknown>
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/** Follows a local `$ref` (`#/components/...`) through the document. */
function resolve(doc: Json, ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true)
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc)
}

/** Every `$ref` anywhere in the document must point at something. */
function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, out)
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value)
      else collectRefs(value, out)
    }
  }
  return out
}

test('the document has the structure OpenAPI 3.1 requires', async () => {
  const response = await f.call('GET', '/api/v1/openapi.json')
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toContain('application/json')
  const doc = (await response.json()) as Json
  // OAS 3.1 §4.8.1: openapi and info are required, plus at least one of paths/components/webhooks.
  expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
  const info = doc.info as Json
  expect(typeof info.title).toBe('string')
  expect(info.version).toBe('9.9.9-test')
  const paths = doc.paths as Record<string, Json>
  expect(Object.keys(paths).length).toBeGreaterThan(10)
  // §4.8.1: jsonSchemaDialect optional; servers objects need a url.
  for (const server of doc.servers as Json[]) expect(typeof server.url).toBe('string')

  const securitySchemes = (doc.components as Json).securitySchemes as Record<string, Json>
  const operationIds = new Set<string>()
  for (const [path, item] of Object.entries(paths)) {
    expect(path.startsWith('/')).toBe(true) // §4.8.8
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map(m => m[1])
    for (const [method, operation] of Object.entries(item) as [string, Json][]) {
      expect(METHODS).toContain(method)
      // §4.8.10: responses is required and holds at least one response code.
      const responses = operation.responses as Record<string, Json>
      expect(Object.keys(responses).length).toBeGreaterThan(0)
      for (const [code, response] of Object.entries(responses)) {
        expect(code === 'default' || /^[1-5](\d\d|XX)$/.test(code)).toBe(true)
        const resolved = (response.$ref ? resolve(doc, response.$ref as string) : response) as Json
        expect(typeof resolved.description).toBe('string') // §4.8.17 description is required
      }
      // operationId unique across the document (§4.8.10).
      const id = operation.operationId as string
      expect(operationIds.has(id)).toBe(false)
      operationIds.add(id)
      // Every templated path parameter is declared, in: path, required: true (§4.8.12).
      const parameters = (operation.parameters ?? []) as Json[]
      for (const name of templated) {
        const p = parameters.find(p => p.name === name && p.in === 'path')
        expect(p?.required).toBe(true)
      }
      for (const p of parameters) {
        expect(['query', 'header', 'path', 'cookie']).toContain(p.in as string)
        expect(p.schema === undefined).toBe(false)
        if (p.in === 'path') expect(templated).toContain(p.name as string)
      }
      // Security requirements name declared schemes.
      for (const requirement of operation.security as Json[]) {
        for (const scheme of Object.keys(requirement)) expect(securitySchemes[scheme]).toBeDefined()
      }
      if (operation.requestBody) {
        const content = (operation.requestBody as Json).content as Json // §4.8.13 content required
        expect(Object.keys(content)).toEqual(['application/json'])
      }
    }
  }
  for (const ref of collectRefs(doc)) expect(resolve(doc, ref)).toBeDefined()
  expect(JSON.stringify(doc)).not.toContain('"$schema"')
})

test('every route of the API app is in the document, and every documented operation is routed', async () => {
  const doc = openApiDocumentFor('x')
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map(method => `${method.toUpperCase()} /api/v1${honoPath(path)}`),
  )
  const routed = new Set(
    f.app.routes.filter(r => r.path.startsWith('/api/v1/') && r.method !== 'ALL').map(r => `${r.method} ${r.path}`),
  )
  expect(new Set(documented)).toEqual(routed)
  expect(documented.length).toBe(Object.keys(apiOperations).length)
})

test('each documented operation answers on its path (no 404/405 from the router)', async () => {
  const token = await f.token(['admin'])
  for (const op of Object.values(apiOperations)) {
    const path = op.path.replace(/\{[^}]+\}/g, 'nobody@example.invalid')
    const response = await f.call(op.method.toUpperCase(), `/api/v1${path}`, {
      token,
      ...('body' in op ? { body: {} } : {}),
    })
    const body = response.status === 204 ? null : ((await response.json()) as { error?: { code: string } })
    expect([op.operationId, body?.error?.code === 'not_found' || response.status === 405]).toEqual([
      op.operationId,
      false,
    ])
  }
})

test('the served document is the one built from the contract, with scopes and error responses', async () => {
  const served = (await (await f.call('GET', '/api/v1/openapi.json')).json()) as ReturnType<typeof openApiDocumentFor>
  expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocumentFor('9.9.9-test'))))
  const create = served.paths['/accounts']?.post
  expect(create?.security).toEqual([{ bearerAuth: ['write'] }])
  expect(Object.keys(create?.responses ?? {})).toEqual([
    '201',
    '400',
    '401',
    '403',
    '404',
    '409',
    '413',
    '415',
    'default',
  ])
  const body = (create?.requestBody as { content: { 'application/json': { schema: Json } } }).content[
    'application/json'
  ].schema
  expect(body.additionalProperties).toBe(false)
  expect(body.required).toEqual(['email'])
  const open = served.paths['/openapi.json']?.get
  expect(open?.security).toEqual([])
  expect(Object.keys(open?.responses ?? {})).toEqual(['200', 'default'])
  const list = served.paths['/accounts']?.get
  expect(list?.parameters?.map(p => [p.name, p.in, p.required])).toEqual([
    ['limit', 'query', false],
    ['cursor', 'query', false],
    ['domain', 'query', false],
  ])
})
