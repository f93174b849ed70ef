import { MailError } from '../core/errors.ts'

/** A bad invocation the argument parser cannot catch (exit 2). */
export const usage = (message: string) => new MailError('syntax', message, { code: 'usage' })
