// GET /admin/assets/<name>.<hash>.<ext>: the embedded stylesheet and script, cacheable for a year
// (the hash in the name changes with the content). Public: the login page needs the stylesheet.
import type { Hono } from 'hono'
import type { AdminEnv } from '../admin-services.ts'
import { adminAssets } from '../static-assets.ts'

export function registerAssetRoutes(app: Hono<AdminEnv>): void {
  for (const asset of Object.values(adminAssets)) {
    app.get(asset.path.slice('/admin'.length), c => {
      const headers = {
        'Content-Type': asset.contentType,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: asset.etag,
      }
      if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers)
      return c.body(asset.body, 200, headers)
    })
  }
}
