// Public surface of storage: the factory and the types protocol code may name.
export { createStorage, DATABASE_FILE, type Storage, type StorageOptions } from './storage.ts'
export type {
  AccountPage,
  AccountRecord,
  AccountRef,
  AccountRepository,
  AccountUsage,
  CreateAccountInput,
} from './repositories/accounts.ts'
export type { AliasRecord, AliasRepository } from './repositories/aliases.ts'
export type { AuditEntry, AuditRepository } from './repositories/audit.ts'
export type { DomainRecord, DomainRepository, RemoveDomainOptions } from './repositories/domains.ts'
export type { MailboxRecord, MailboxRepository, MailboxStatus } from './repositories/mailboxes.ts'
export type {
  AppendInput,
  AppendResult,
  CopyResult,
  DeliveryOutcome,
  DeliveryTarget,
  FlagChange,
  FlagResult,
  MessageContent,
  MessageRecord,
  MessageRepository,
  OpenedMessage,
  UidRange,
} from './repositories/messages.ts'
export type { MailboxEvent, MailboxEventKind, MailboxEvents, MailboxListener } from './mailbox-events.ts'
export type { ReconcileReport } from './repositories/reconcile.ts'
export type { LocalRecipient, RecipientResolution } from './repositories/resolve-recipient.ts'
export type { StoredEnvelope, EnvelopeAddress, EnvelopeEntry } from './envelope/parse-envelope.ts'
export { SYSTEM_FLAGS, type SystemFlag } from './maildir/flags.ts'
export { splitFlagList, normalizeKeywords } from './flag-list.ts'
export { HIERARCHY_DELIMITER, INBOX } from './maildir/maildir-path.ts'
