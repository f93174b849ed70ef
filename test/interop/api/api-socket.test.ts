// /api/v1 over a real socket (Bun.serve on 127.0.0.1, port 0, through the server's HTTP service):
// the SDK with the global fetch, a raw HTTP/1.1 client for chunked and oversized bodies, and
// Python's urllib as an independent client.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test'
import net from 'node:net'
import { createHttpService, type HttpService } from '../../../src/api/http-service.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { createMailServerClient, MailServerApiError } from '../../../src/sdk/index.ts'
import { type ApiFixture, startApiFixture } from '../../unit/api/support/api-fixture.ts'

// Argon2id hashes (account create, set password, login checks) take ~150 ms each, seconds when the
// machine is busy: the suite runner's per-test limit, not bun's 5 s default.
setDefaultTimeout(20_000)

let f: ApiFixture
let http: HttpService
let base: string
let token: string

beforeAll(async () => {
  f = await startApiFixture({ configure: c => (c.api.maxBodyBytes = 4096) })
  http = createHttpService({ app: f.app, bind: ['127.0.0.1'], port: 0, logger: silentLogger })
  await http.start()
  base = `http://127.0.0.1:${http.ports()[0]}`
  token = await f.token(['admin'])
})
afterAll(async () => {
  await http.stop(0)
  await f.close()
})

/** One raw HTTP/1.1 exchange; returns status line, headers and body text. */
function rawRequest(bytes: string | Uint8Array): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1')
    let data = ''
    socket.on('connect', () => socket.end(bytes))
    socket.on('data', chunk => {
      data += chunk.toString()
    })
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n')
      resolve({ status: Number(head.split(' ')[1]), headers: head, body })
    })
  })
}

test('the SDK over HTTP: create a domain and an account, list them, get typed errors', async () => {
  const mail = createMailServerClient({ baseUrl: base, token })
  await mail.domains.create({ name: 'socket.test' })
  const { account } = await mail.accounts.create({ email: 'sam@socket.test', password: 'a good password' })
  expect(account.email).toBe('sam@socket.test')
  expect((await mail.accounts.list({ domain: 'socket.test' })).items.map(a => a.email)).toEqual(['sam@socket.test'])
  const error = await mail.domains.create({ name: 'socket.test' }).catch(e => e)
  expect(error).toBeInstanceOf(MailServerApiError)
  expect([error.status, error.code]).toEqual([409, 'duplicate_domain'])
})

test('a chunked body larger than api.maxBodyBytes is cut off with 413 and an error body', async () => {
  const chunk = 'a'.repeat(3000)
  const hex = chunk.length.toString(16)
  const request =
    'POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
    `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
    `${hex}\r\n${chunk}\r\n${hex}\r\n${chunk}\r\n0\r\n\r\n`
  const response = await rawRequest(request)
  expect(response.status).toBe(413)
  expect(JSON.parse(response.body).error.code).toBe('payload_too_large')
})

test('a declared Content-Length over the limit is refused from the header alone', async () => {
  const response = await rawRequest(
    'POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
      `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":`,
  )
  expect(response.status).toBe(413)
  expect(JSON.parse(response.body).error.code).toBe('payload_too_large')
})

test('bad JSON over the wire: 400 invalid_json', async () => {
  const body = '{"name": "x.test",'
  const response = await rawRequest(
    'POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
      `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  )
  expect(response.status).toBe(400)
  expect(JSON.parse(response.body).error.code).toBe('invalid_json')
})

test("Python's urllib: the OpenAPI document, an authorised call, and a 401 with its challenge", async () => {
  const script = `
import json, sys, urllib.request, urllib.error
base, token = sys.argv[1], sys.argv[2]
doc = json.load(urllib.request.urlopen(base + '/api/v1/openapi.json'))
req = urllib.request.Request(base + '/api/v1/domains', headers={'Authorization': 'Bearer ' + token})
domains = json.load(urllib.request.urlopen(req))
try:
    urllib.request.urlopen(urllib.request.Request(base + '/api/v1/domains', data=b'{"name":"py.test"}',
                                                  headers={'Content-Type': 'application/json'}))
    denied = None
except urllib.error.HTTPError as e:
    denied = {'status': e.code, 'challenge': e.headers.get('WWW-Authenticate'), 'body': json.load(e)}
print(json.dumps({'openapi': doc['openapi'], 'domains': [d['name'] for d in domains['items']], 'denied': denied}))
`
  const proc = Bun.spawn(['python3', '-c', script, base, token], { stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  expect(err).toBe('')
  expect(code).toBe(0)
  const result = JSON.parse(out)
  expect(result.openapi).toBe('3.1.0')
  expect(result.domains).toContain('socket.test')
  expect(result.denied).toEqual({
    status: 401,
    challenge: 'Bearer realm="mail-server"',
    body: { error: { code: 'unauthorized', message: expect.stringContaining('API token') } },
  })
})
