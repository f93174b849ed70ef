// The dashboard's only script (served as a file: the pages' Content-Security-Policy allows no
// inline code). Every 5 s it fetches /admin/stats.json and writes each value into the element
// whose data-live attribute names it, with textContent, so values are never parsed as HTML.
// Everything else in the panel works without JavaScript.
export const LIVE_COUNTERS_SCRIPT = `'use strict'
;(() => {
  const refresh = async () => {
    try {
      const response = await fetch('/admin/stats.json', { credentials: 'same-origin', redirect: 'manual' })
      if (!response.ok) return
      const values = await response.json()
      for (const element of document.querySelectorAll('[data-live]')) {
        const value = values[element.dataset.live]
        if (typeof value === 'string' && element.textContent !== value) element.textContent = value
      }
    } catch {
      // Offline or signed out: keep the last values; the next page load shows the login form.
    }
  }
  setInterval(refresh, 5000)
})()
`
