CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`domain_id` integer NOT NULL,
	`password_hash` text NOT NULL,
	`display_name` text,
	`quota_bytes` integer,
	`disabled` integer DEFAULT false NOT NULL,
	`last_uid_validity` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_unique` ON `accounts` (`email`);--> statement-breakpoint
CREATE INDEX `accounts_domain_idx` ON `accounts` (`domain_id`);--> statement-breakpoint
CREATE TABLE `aliases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`address` text NOT NULL,
	`domain_id` integer NOT NULL,
	`target` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `aliases_address_target_unique` ON `aliases` (`address`,`target`);--> statement-breakpoint
CREATE INDEX `aliases_domain_idx` ON `aliases` (`domain_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`details_json` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `domains` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`catch_all` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domains_name_unique` ON `domains` (`name`);--> statement-breakpoint
CREATE TABLE `expunges` (
	`mailbox_id` integer NOT NULL,
	`uid` integer NOT NULL,
	`modseq` integer NOT NULL,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `expunges_mailbox_uid_unique` ON `expunges` (`mailbox_id`,`uid`);--> statement-breakpoint
CREATE INDEX `expunges_mailbox_modseq_idx` ON `expunges` (`mailbox_id`,`modseq`);--> statement-breakpoint
CREATE TABLE `mailboxes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`special_use` text,
	`uid_validity` integer NOT NULL,
	`uid_next` integer DEFAULT 1 NOT NULL,
	`highest_modseq` integer DEFAULT 1 NOT NULL,
	`subscribed` integer DEFAULT true NOT NULL,
	`folder` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailboxes_account_name_unique` ON `mailboxes` (`account_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `mailboxes_account_folder_unique` ON `mailboxes` (`account_id`,`folder`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailbox_id` integer NOT NULL,
	`uid` integer NOT NULL,
	`modseq` integer NOT NULL,
	`flags` integer DEFAULT 0 NOT NULL,
	`keywords` text DEFAULT '[]' NOT NULL,
	`internal_date` integer NOT NULL,
	`size` integer NOT NULL,
	`maildir_file` text NOT NULL,
	`envelope_json` text,
	`bodystructure_json` text,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_mailbox_uid_unique` ON `messages` (`mailbox_id`,`uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_mailbox_file_unique` ON `messages` (`mailbox_id`,`maildir_file`);--> statement-breakpoint
CREATE INDEX `messages_mailbox_modseq_idx` ON `messages` (`mailbox_id`,`modseq`);