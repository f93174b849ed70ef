// Refuse to upload something the instance cannot run: an ELF for another CPU (an arm64 build for
// a t3 instance), or a file that is not an executable at all. Scripts with a #! line pass.
import { MailError } from '../core/errors.ts'

/** ELF e_machine values (System V ABI). */
const ELF_MACHINES: Record<number, 'x86_64' | 'arm64'> = { 0x3e: 'x86_64', 0xb7: 'arm64' }

export type ExecutableKind = { kind: 'elf'; architecture: string } | { kind: 'script' }

export function executableKind(head: Uint8Array): ExecutableKind | null {
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    if (head.length < 20) return null
    // e_machine: 16 bits at offset 18, in the byte order given by EI_DATA (1 = little endian).
    const machine =
      head[5] === 1
        ? (head[18] as number) | ((head[19] as number) << 8)
        : ((head[18] as number) << 8) | (head[19] as number)
    return { kind: 'elf', architecture: ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}` }
  }
  if (head[0] === 0x23 && head[1] === 0x21) return { kind: 'script' }
  return null
}

export function assertRunsOn(head: Uint8Array, architecture: 'x86_64' | 'arm64', file: string): void {
  const kind = executableKind(head)
  if (!kind)
    throw new MailError('user', `${file} is not an executable (no ELF header or #! line)`, { code: 'bad_binary' })
  if (kind.kind === 'elf' && kind.architecture !== architecture)
    throw new MailError(
      'user',
      `${file} is built for ${kind.architecture} but the instance is ${architecture}: build with \`bun run build --target ${architecture === 'arm64' ? 'linux-arm64' : 'linux-x64'}\``,
      { code: 'bad_binary' },
    )
}
