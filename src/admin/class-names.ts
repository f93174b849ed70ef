// Utility classes the admin pages choose in TypeScript (status badges, flash messages, the current
// navigation link). The stylesheet scanner only sees the templates, so ui/stylesheet.config.ts
// safelists everything listed here.
export type Tone = 'green' | 'yellow' | 'red' | 'gray' | 'blue'

export const TONE_CLASSES: Readonly<Record<Tone, string>> = {
  green: 'bg-green-100 text-green-800',
  yellow: 'bg-yellow-100 text-yellow-800',
  red: 'bg-red-100 text-red-800',
  gray: 'bg-slate-200 text-slate-700',
  blue: 'bg-blue-100 text-blue-800',
}

export const FLASH_CLASSES = {
  ok: 'border-green-200 bg-green-50 text-green-800',
  error: 'border-red-200 bg-red-50 text-red-800',
} as const

export const NAV_CLASSES = {
  current: 'font-semibold text-white underline',
  other: 'text-slate-300 hover:text-white',
} as const

export interface Badge {
  label: string
  classes: string
}

export const badge = (label: string, tone: Tone): Badge => ({ label, classes: TONE_CLASSES[tone] })

/** Every class above, for the stylesheet's safelist. */
export const computedClassNames = (): string[] =>
  [...Object.values(TONE_CLASSES), ...Object.values(FLASH_CLASSES), ...Object.values(NAV_CLASSES)].flatMap(s =>
    s.split(/\s+/),
  )
