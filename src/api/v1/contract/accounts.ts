// Mail accounts: create (with a password or a generated one), change password, disable, quota,
// delete with or without the mail files.
import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { domainName, isoTime, mailAddress, pageOf, pageQueryShape, queryBoolean } from './common.ts'

const MIN_PASSWORD = 8
const MAX_PASSWORD = 1024

export const accountSchema = z.object({
  email: z.string().describe('Address in normal form'),
  domain: z.string().describe('Domain of the address'),
  displayName: z.string().nullable(),
  quotaBytes: z.number().int().nullable().describe('Storage limit in bytes; null = unlimited'),
  disabled: z.boolean().describe('A disabled account cannot log in and receives no mail'),
  createdAt: isoTime('When the account was created'),
  updatedAt: isoTime('Last change of the account'),
})

export const accountDetailSchema = accountSchema.extend({
  usage: z.object({
    messages: z.number().int().describe('Stored messages'),
    bytes: z.number().int().describe('Stored bytes'),
  }),
})

const password = z
  .string()
  .min(MIN_PASSWORD)
  .max(MAX_PASSWORD)
  .describe(`Plain password (${MIN_PASSWORD}–${MAX_PASSWORD} characters), stored as an Argon2id hash`)
const generatePassword = z.literal(true).optional().describe('Generate a random password and return it once')
const quotaBytes = z.number().int().min(0).nullable().describe('Storage limit in bytes; null = unlimited')
const accountParams = z.strictObject({ email: mailAddress })

const onePasswordSource = (b: { password?: string; generatePassword?: true }) =>
  (b.password === undefined) !== (b.generatePassword === undefined)
const ONE_PASSWORD_SOURCE = 'give exactly one of password and generatePassword'

export const accountOperations = {
  listAccounts: defineOperation({
    operationId: 'listAccounts',
    method: 'get',
    path: '/accounts',
    tag: 'accounts',
    summary: 'List accounts',
    scope: 'read',
    query: z.strictObject({ ...pageQueryShape, domain: domainName.optional().describe('Only this domain') }),
    status: 200,
    response: pageOf(accountSchema),
    errors: [400],
  }),
  createAccount: defineOperation({
    operationId: 'createAccount',
    method: 'post',
    path: '/accounts',
    tag: 'accounts',
    summary: 'Create an account in a hosted domain',
    scope: 'write',
    body: z
      .strictObject({
        email: mailAddress,
        password: password.optional(),
        generatePassword,
        displayName: z.string().max(200).nullable().optional(),
        quotaBytes: quotaBytes.optional(),
      })
      .refine(onePasswordSource, ONE_PASSWORD_SOURCE),
    status: 201,
    response: z.object({
      account: accountSchema,
      generatedPassword: z.string().optional().describe('The generated password; shown only in this response'),
    }),
    errors: [400, 404, 409, 413, 415],
  }),
  getAccount: defineOperation({
    operationId: 'getAccount',
    method: 'get',
    path: '/accounts/{email}',
    tag: 'accounts',
    summary: 'Show one account with its storage usage',
    scope: 'read',
    params: accountParams,
    status: 200,
    response: accountDetailSchema,
    errors: [400, 404],
  }),
  updateAccount: defineOperation({
    operationId: 'updateAccount',
    method: 'patch',
    path: '/accounts/{email}',
    tag: 'accounts',
    summary: 'Change the display name or quota, or disable/enable an account',
    scope: 'write',
    params: accountParams,
    body: z
      .strictObject({
        displayName: z.string().max(200).nullable().optional(),
        quotaBytes: quotaBytes.optional(),
        disabled: z.boolean().optional().describe('True: no logins, no delivery'),
      })
      .refine(
        b => b.displayName !== undefined || b.quotaBytes !== undefined || b.disabled !== undefined,
        'give at least one of displayName, quotaBytes, disabled',
      ),
    status: 200,
    response: accountSchema,
    errors: [400, 404, 413, 415],
  }),
  setAccountPassword: defineOperation({
    operationId: 'setAccountPassword',
    method: 'put',
    path: '/accounts/{email}/password',
    tag: 'accounts',
    summary: 'Set a new password (given, or generated and returned once)',
    scope: 'write',
    params: accountParams,
    body: z
      .strictObject({ password: password.optional(), generatePassword })
      .refine(onePasswordSource, ONE_PASSWORD_SOURCE),
    status: 200,
    response: z.object({
      email: z.string(),
      generatedPassword: z.string().optional().describe('The generated password; shown only in this response'),
    }),
    errors: [400, 404, 413, 415],
  }),
  deleteAccount: defineOperation({
    operationId: 'deleteAccount',
    method: 'delete',
    path: '/accounts/{email}',
    tag: 'accounts',
    summary: 'Delete an account with its mailboxes and (unless keepData=true) its mail files',
    scope: 'write',
    params: accountParams,
    query: z.strictObject({ keepData: queryBoolean('Keep the Maildir files on disk') }),
    status: 204,
    errors: [400, 404],
  }),
} as const
