// `import sql from './x.sql' with { type: 'text' }` gives the file's text (Bun text loader); used to
// embed drizzle migrations in the binary (shared notes bun-platform §5, option C).
declare module '*.sql' {
  const text: string
  export default text
}
