// The DAV request dispatcher: OPTIONS without authentication, everything else after HTTP Basic
// (auth/authenticate-request.ts), then one handler per method. This is the one place where errors
// become responses (DESIGN.md "Errors"): DavError → its status and precondition body, repository
// MailErrors → their HTTP code, anything else → 500, logged with the request but never the body.
import { isMailError } from '../core/errors.ts'
import { authenticateRequest, type ConnectionInfo } from './auth/authenticate-request.ts'
import type { DavRequest, DavServices } from './dav-context.ts'
import { DavError, davErrorResponse } from './dav-error.ts'
import { parseDavPath } from './dav-paths.ts'
import { handleCopyMove } from './methods/copy-move.ts'
import { handleDelete } from './methods/delete.ts'
import { handleGet } from './methods/get.ts'
import { handleMkcol } from './methods/mkcol.ts'
import { ALLOWED_METHODS, DAV_CLASSES, handleOptions } from './methods/options.ts'
import { handlePropfind } from './methods/propfind.ts'
import { handleProppatch } from './methods/proppatch.ts'
import { handlePut } from './methods/put.ts'
import { handleReport } from './reports/report.ts'

export type DavHandler = (request: Request, connection: ConnectionInfo) => Promise<Response>

export function createDavHandler(services: DavServices): DavHandler {
  const { logger } = services

  const dispatch = async (request: Request, connection: ConnectionInfo): Promise<Response> => {
    const url = new URL(request.url)
    const method = request.method.toUpperCase()
    if (method === 'OPTIONS') return handleOptions()
    // The bare server URL answers PROPFIND as the DAV root (clients configured with "https://host/").
    const target = url.pathname === '/' ? { type: 'root' as const } : parseDavPath(url.pathname)
    const account = await authenticateRequest(services, request.headers.get('authorization'), connection)
    if (!target) throw new DavError(404, `no DAV resource at ${url.pathname.slice(0, 200)}`)
    const req: DavRequest = { services, account, method, url, headers: request.headers, request }
    switch (method) {
      case 'PROPFIND':
        return handlePropfind(req, target)
      case 'PROPPATCH':
        return handleProppatch(req, target)
      case 'REPORT':
        return handleReport(req, target)
      case 'GET':
        return handleGet(req, target, false)
      case 'HEAD':
        return handleGet(req, target, true)
      case 'PUT':
        return handlePut(req, target)
      case 'DELETE':
        return handleDelete(req, target)
      case 'MKCOL':
      case 'MKCALENDAR':
        return handleMkcol(req, target, method)
      case 'COPY':
        return handleCopyMove(req, target, false)
      case 'MOVE':
        return handleCopyMove(req, target, true)
      default:
        throw new DavError(405, `method ${method.slice(0, 20)} is not supported`, undefined, { allow: ALLOWED_METHODS })
    }
  }

  return async (request, connection) => {
    let response: Response
    try {
      response = await dispatch(request, connection)
    } catch (e) {
      if (e instanceof DavError) response = davErrorResponse(e)
      else if (isMailError(e) && e.kind === 'user' && e.codes.http) {
        response = davErrorResponse(new DavError(e.codes.http, e.message))
      } else if (isMailError(e) && e.kind === 'temporary') {
        response = davErrorResponse(new DavError(503, e.message, undefined, { 'retry-after': '5' }))
      } else {
        logger.error('DAV request failed', { method: request.method, path: new URL(request.url).pathname, error: e })
        response = davErrorResponse(new DavError(500, 'internal server error'))
      }
    }
    if (!response.headers.has('dav')) response.headers.set('dav', DAV_CLASSES)
    return response
  }
}
