// `admin add|list|passwd|delete`: administrators of the web panel (/admin). They are not mail
// accounts; passwords are Argon2id like accounts'. The password comes from the terminal prompt
// (asked twice) or the first line of stdin with --password-stdin, never from argv.
import { defineCommand } from 'citty'
import { createAdminUserRepository, parseAdminUsername } from '../admin/admin-users.ts'
import { systemClock } from '../core/clock.ts'
import type { Storage } from '../storage/index.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { withStorage } from './open-storage.ts'
import { printJson, printTable } from './output.ts'
import { promptHidden, readStdinLine } from './read-secret.ts'
import { usage } from './usage-error.ts'

const passwordArgs = {
  'password-stdin': { type: 'boolean', description: 'Read the password from the first line of stdin' },
} as const

async function choosePassword(args: { 'password-stdin'?: boolean }): Promise<string> {
  let password: string
  if (args['password-stdin']) password = await readStdinLine()
  else if (!process.stdin.isTTY) throw usage('no terminal to ask for the password: pipe it in with --password-stdin')
  else {
    password = await promptHidden('Password: ')
    if ((await promptHidden('Repeat password: ')) !== password) throw usage('the passwords do not match')
  }
  if (password.length === 0) throw usage('the password is empty')
  return password
}

const admins = (storage: Storage) => createAdminUserRepository({ storage, clock: systemClock })

const add = defineCommand({
  meta: { name: 'add', description: 'Add an administrator of the web panel' },
  args: {
    username: { type: 'positional', required: true, description: 'Login name (letters, digits, . _ @ -)' },
    ...passwordArgs,
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    // Check the name before asking for a password.
    const username = parseAdminUsername(args.username)
    const password = await choosePassword(args)
    const admin = await withStorage(args, rawArgs, storage => admins(storage).create(username, password))
    if (args.json) return printJson(admin)
    console.log(`added admin ${admin.username}: sign in at /admin`)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List administrators' },
  args: { ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const all = await withStorage(args, rawArgs, storage => admins(storage).list())
    if (args.json) return printJson(all)
    printTable(
      all.map(a => ({
        ...a,
        created: new Date(a.createdAt).toISOString(),
        lastLogin: a.lastLoginAt === null ? 'never' : new Date(a.lastLoginAt).toISOString(),
      })),
      ['username', 'created', 'lastLogin'],
      'no admins yet: mail-server admin add <username>',
    )
  },
})

const passwd = defineCommand({
  meta: { name: 'passwd', description: 'Change the password of an administrator' },
  args: {
    username: { type: 'positional', required: true, description: 'Login name' },
    ...passwordArgs,
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const username = parseAdminUsername(args.username)
    const password = await choosePassword(args)
    await withStorage(args, rawArgs, storage => admins(storage).setPassword(username, password))
    if (args.json) return printJson({ username, changed: true })
    console.log(`password changed for admin ${username}`)
  },
})

const remove = defineCommand({
  meta: { name: 'delete', description: 'Delete an administrator (their sessions end at once)' },
  args: { username: { type: 'positional', required: true, description: 'Login name' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const username = parseAdminUsername(args.username)
    await withStorage(args, rawArgs, storage => admins(storage).remove(username))
    if (args.json) return printJson({ deleted: username })
    console.log(`deleted admin ${username}`)
  },
})

export const adminCommand = defineCommand({
  meta: { name: 'admin', description: 'Manage administrators of the web admin panel' },
  subCommands: { add, list, passwd, delete: remove },
})
