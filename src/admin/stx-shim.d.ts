// @stacksjs/stx 0.2.10 exports processDirectives at run time, but its process.d.ts is empty
// (shared notes stacks-tooling §1): declare the one function the admin renderer calls.
export {}

declare module '@stacksjs/stx' {
  export function processDirectives(
    template: string,
    context: Record<string, unknown>,
    filePath: string,
    options: Record<string, unknown>,
    dependencies: Set<string>,
  ): Promise<string>
}
