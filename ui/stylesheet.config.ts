// crosswind settings for the admin stylesheet (ui/admin.css, built by build.ts through
// src/admin/build-stylesheet.ts). crosswind generates utilities for the class names it finds in
// the templates; classes chosen in TypeScript are invisible to it and are safelisted here.
import { computedClassNames } from '../src/admin/class-names.ts'

export const stylesheetConfig = {
  /** Scanned for class names, relative to the project root. */
  templates: 'ui/**/*.stx',
  /** Hand-written rules appended after the utilities (what utilities cannot say). */
  baseCss: 'ui/base.css',
  safelist: computedClassNames(),
}
