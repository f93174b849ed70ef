// Admin UI assets imported by the source so `bun build --compile` embeds them (build.ts):
// `.stx` templates with `type: 'file'` (a path, /$bunfs/root/ui/… inside the binary) and the
// generated stylesheet with `type: 'text'`.
declare module '*.stx' {
  const path: string
  export default path
}

declare module '*.css' {
  const text: string
  export default text
}
