// `user add|list|info|passwd|disable|enable|delete`: mail accounts.
import { defineCommand } from 'citty'
import { parseAddress } from '../core/address.ts'
import { MailError } from '../core/errors.ts'
import type { Storage } from '../storage/index.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { withStorage } from './open-storage.ts'
import { printJson, printTable } from './output.ts'
import { generatePassword, promptHidden, readStdinLine } from './read-secret.ts'
import { usage } from './usage-error.ts'

const passwordArgs = {
  'password-stdin': { type: 'boolean', description: 'Read the password from the first line of stdin' },
  generate: { type: 'boolean', description: 'Generate a random password and print it' },
} as const

const ARGV_WARNING =
  'warning: a password given as an argument is visible in `ps` and shell history; prefer --password-stdin or the prompt\n'

/** The new password from exactly one source: argv (warns), stdin, --generate, or the terminal prompt. */
async function choosePassword(args: {
  password?: string
  'password-stdin'?: boolean
  generate?: boolean
}): Promise<{ password: string; generated: boolean }> {
  const sources = [args.password !== undefined, Boolean(args['password-stdin']), Boolean(args.generate)]
  if (sources.filter(Boolean).length > 1)
    throw usage('give the password one way only: argument, --password-stdin or --generate')
  let password: string
  if (args.generate) return { password: generatePassword(), generated: true }
  if (args.password !== undefined) {
    process.stderr.write(ARGV_WARNING)
    password = args.password
  } else if (args['password-stdin']) password = await readStdinLine()
  else {
    password = await promptHidden('Password: ')
    if ((await promptHidden('Repeat password: ')) !== password) throw usage('the passwords do not match')
  }
  if (password.length === 0) throw usage('the password is empty')
  return { password, generated: false }
}

async function accountInfo(storage: Storage, email: string) {
  const account = await requireAccount(storage, email)
  const mailboxes = await storage.mailboxes.list(account.id)
  const usage = await storage.accounts.usage(account.id)
  return { ...account, usage, mailboxes: mailboxes.map(m => ({ name: m.name, specialUse: m.specialUse })) }
}

/** The account, or a clear `unknown_account` error naming the address (exit 1). */
async function requireAccount(storage: Storage, email: string) {
  const account = await storage.accounts.get(email)
  if (!account) throw new MailError('user', `no account ${email}`, { code: 'unknown_account' })
  return account
}

const add = defineCommand({
  meta: { name: 'add', description: 'Add an account (and its domain, when not hosted yet)' },
  args: {
    email: { type: 'positional', required: true, description: 'Address, e.g. ann@example.org' },
    password: { type: 'positional', required: false, description: 'Password (visible in ps: prefer the prompt)' },
    name: { type: 'string', description: 'Display name' },
    quota: { type: 'string', description: 'Quota in bytes (suffixes K, M, G allowed)' },
    ...passwordArgs,
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    // Validate the address before asking for a password.
    const address = parseAddress(args.email)
    const quotaBytes = args.quota === undefined ? undefined : parseSize(args.quota)
    const { password, generated } = await choosePassword(args)
    const result = await withStorage(args, rawArgs, async storage => {
      const domainCreated = !(await storage.domains.get(address.domain))
      if (domainCreated) await storage.domains.add(address.domain)
      const account = await storage.accounts.create({
        email: address.address,
        password,
        displayName: args.name,
        quotaBytes,
      })
      return { account, domainCreated }
    })
    if (args.json)
      return printJson({
        ...result.account,
        domainCreated: result.domainCreated,
        ...(generated ? { password } : {}),
      })
    if (result.domainCreated) console.log(`added domain ${address.domain}`)
    console.log(`added account ${result.account.email}`)
    if (generated) console.log(`password: ${password}`)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List accounts' },
  args: { domain: { type: 'string', description: 'Only this domain' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const accounts = await withStorage(args, rawArgs, async storage => {
      const all = []
      let after: number | undefined
      // Page through: the repository's list is paginated for the API.
      for (;;) {
        const page = await storage.accounts.list({ domain: args.domain, after, limit: 500 })
        all.push(...page.items)
        if (page.next === null) return all
        after = page.next
      }
    })
    if (args.json) return printJson(accounts)
    printTable(
      accounts.map(a => ({ ...a, disabled: a.disabled ? 'yes' : 'no', quota: a.quotaBytes ?? 'unlimited' })),
      ['email', 'displayName', 'disabled', 'quota'],
      'no accounts yet: mail-server user add <email>',
    )
  },
})

const info = defineCommand({
  meta: { name: 'info', description: 'Show one account with its mailboxes and usage' },
  args: { email: { type: 'positional', required: true, description: 'Address' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const data = await withStorage(args, rawArgs, storage => accountInfo(storage, args.email))
    if (args.json) return printJson(data)
    console.log(`${data.email}${data.displayName ? ` (${data.displayName})` : ''}`)
    console.log(`  disabled:  ${data.disabled ? 'yes' : 'no'}`)
    console.log(`  quota:     ${data.quotaBytes ?? 'unlimited'}`)
    console.log(`  usage:     ${data.usage.messages} messages, ${data.usage.bytes} bytes`)
    console.log(`  mailboxes: ${data.mailboxes.map(m => m.name).join(', ')}`)
  },
})

const passwd = defineCommand({
  meta: { name: 'passwd', description: 'Change the password of an account' },
  args: {
    email: { type: 'positional', required: true, description: 'Address' },
    password: { type: 'positional', required: false, description: 'New password (visible in ps: prefer the prompt)' },
    ...passwordArgs,
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const { password, generated } = await choosePassword(args)
    await withStorage(args, rawArgs, async storage => {
      await requireAccount(storage, args.email)
      await storage.accounts.setPassword(args.email, password)
    })
    if (args.json) return printJson({ email: args.email, changed: true, ...(generated ? { password } : {}) })
    console.log(`password changed for ${args.email}`)
    if (generated) console.log(`password: ${password}`)
  },
})

const setDisabled = (disabled: boolean) =>
  defineCommand({
    meta: {
      name: disabled ? 'disable' : 'enable',
      description: disabled ? 'Disable an account (no login, no delivery)' : 'Enable a disabled account',
    },
    args: { email: { type: 'positional', required: true, description: 'Address' }, ...configArgs, ...jsonArg },
    async run({ args, rawArgs }) {
      const account = await withStorage(args, rawArgs, async storage => {
        await requireAccount(storage, args.email)
        return storage.accounts.setDisabled(args.email, disabled)
      })
      if (args.json) return printJson(account)
      console.log(`${disabled ? 'disabled' : 'enabled'} ${account.email}`)
    },
  })

const remove = defineCommand({
  meta: { name: 'delete', description: 'Delete an account and (unless --keep-data) its mail' },
  args: {
    email: { type: 'positional', required: true, description: 'Address' },
    'keep-data': { type: 'boolean', description: 'Keep the Maildir files on disk' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    await withStorage(args, rawArgs, async storage => {
      await requireAccount(storage, args.email)
      await storage.accounts.delete(args.email, { removeData: !args['keep-data'] })
    })
    if (args.json) return printJson({ deleted: args.email })
    console.log(`deleted ${args.email}${args['keep-data'] ? ' (mail files kept)' : ''}`)
  },
})

/** "500M" → bytes; plain numbers are bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([KMGT]i?B?)?$/i.exec(text.trim())
  if (!m) throw usage(`invalid size ${JSON.stringify(text)}: use bytes or a K/M/G/T suffix`)
  const unit = (m[2] ?? '').charAt(0).toUpperCase()
  const power = unit ? 'KMGT'.indexOf(unit) + 1 : 0
  return Number(m[1]) * 1024 ** power
}

export const userCommand = defineCommand({
  meta: { name: 'user', description: 'Manage mail accounts' },
  subCommands: {
    add,
    list,
    info,
    passwd,
    disable: setDisabled(true),
    enable: setDisabled(false),
    delete: remove,
  },
})
