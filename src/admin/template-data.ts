// Guards stx templates against their own data. stx 0.2.10 escapes `{{ }}` output, but inside
// `@foreach` it runs its later directive passes over the text the loop produced, data included:
// an account named `{{ csrf }}` printed the CSRF token, `@if (…)` in a display name was
// evaluated, `a@csrf.com` grew a hidden <input>, and ` :name ` became a bound attribute.
//
// So every string handed to a template has the characters those passes key on (`@ { } : [`)
// swapped for private-use placeholders that no directive matches and `{{ }}` does not escape,
// and the finished HTML gets them back as character references. `[` is included because the
// renderer looks for stx's error markers (`[Error …`) in the output, which data must not forge.
// Control characters other than tab/newline are not allowed in HTML text and become U+FFFD.
const SWAP: Record<string, string> = { '@': '\uE000', '{': '\uE001', '}': '\uE002', ':': '\uE003', '[': '\uE004' }
const RESTORE: Record<string, string> = {
  '\uE000': '&#64;',
  '\uE001': '&#123;',
  '\uE002': '&#125;',
  '\uE003': '&#58;',
  '\uE004': '&#91;',
}
// The placeholders themselves (anyone may type them) and C0/C1 controls except tab, LF and CR.
// biome-ignore lint: control characters are the point here
const UNSAFE = /[\uE000-\uE004\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g

/** One string made inert for stx. */
export function neutralizeText(text: string): string {
  return text.replace(UNSAFE, '\uFFFD').replace(/[@{}:[]/g, c => SWAP[c] as string)
}

/** A copy of `value` with every string (in arrays and plain objects, at any depth) neutralized. */
export function neutralizeData<T>(value: T): T {
  if (typeof value === 'string') return neutralizeText(value) as T
  if (Array.isArray(value)) return value.map(item => neutralizeData(item)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = neutralizeData(item)
    return out as T
  }
  return value
}

/** The rendered page with the placeholders turned into character references. */
export function restoreText(html: string): string {
  return html.replace(/[\uE000-\uE004]/g, c => RESTORE[c] as string)
}
