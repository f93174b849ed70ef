// GET /admin (the dashboard) and GET /admin/stats.json (its live values).
import type { Context, Hono } from 'hono'
import type { AdminEnv, AdminServices } from '../admin-services.ts'
import { dashboardView, liveValues } from '../dashboard-stats.ts'
import { sessionPage } from '../page-response.ts'

export function registerDashboardRoutes(app: Hono<AdminEnv>, services: AdminServices): void {
  const dashboard = async (c: Context<AdminEnv>) =>
    sessionPage(
      c,
      services,
      'dashboard',
      { title: 'Dashboard', section: 'dashboard', live: true },
      { ...(await dashboardView(services)) },
    )
  app.get('/', dashboard)
  app.get('/stats.json', c => c.json(liveValues(services)))
}
