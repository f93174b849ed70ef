ALTER TABLE `outbound_queue` ADD `domain` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbound_queue` ADD `results_json` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbound_queue` ADD `message_id` text;--> statement-breakpoint
ALTER TABLE `outbound_queue` ADD `last_attempt_at` integer;--> statement-breakpoint
ALTER TABLE `outbound_queue` ADD `delay_notified` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `outbound_queue` ADD `dsn_pending` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `outbound_queue` ADD `finished_at` integer;--> statement-breakpoint
CREATE INDEX `outbound_queue_message_id_idx` ON `outbound_queue` (`message_id`);--> statement-breakpoint
CREATE INDEX `outbound_queue_spool_idx` ON `outbound_queue` (`spool_path`);--> statement-breakpoint
CREATE TABLE `dkim_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`domain` text NOT NULL,
	`selector` text NOT NULL,
	`algorithm` text NOT NULL,
	`private_key` text NOT NULL,
	`public_key` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dkim_keys_domain_selector_unique` ON `dkim_keys` (`domain`,`selector`);--> statement-breakpoint
CREATE INDEX `dkim_keys_domain_idx` ON `dkim_keys` (`domain`,`status`);
--> statement-breakpoint
-- ---- Transport tables (MTA-STS policy cache, TLS-RPT counters; src/storage/db/schema-delivery.ts) ----
CREATE TABLE `mta_sts_policies` (
	`domain` text PRIMARY KEY NOT NULL,
	`policy_id` text NOT NULL,
	`policy_text` text NOT NULL,
	`fetched_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tls_rpt_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`day` text NOT NULL,
	`policy_domain` text NOT NULL,
	`policy_type` text NOT NULL,
	`policy_string` text NOT NULL,
	`mx_host` text NOT NULL,
	`success_count` integer DEFAULT 0 NOT NULL,
	`failure_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tls_rpt_policies_key_unique` ON `tls_rpt_policies` (`day`,`policy_domain`,`policy_type`,`policy_string`);--> statement-breakpoint
CREATE TABLE `tls_rpt_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`policy_id` integer NOT NULL,
	`result_type` text NOT NULL,
	`sending_mta_ip` text DEFAULT '' NOT NULL,
	`receiving_mx_hostname` text DEFAULT '' NOT NULL,
	`receiving_mx_helo` text DEFAULT '' NOT NULL,
	`receiving_ip` text DEFAULT '' NOT NULL,
	`failure_reason_code` text DEFAULT '' NOT NULL,
	`failed_session_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`policy_id`) REFERENCES `tls_rpt_policies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tls_rpt_failures_key_unique` ON `tls_rpt_failures` (`policy_id`,`result_type`,`sending_mta_ip`,`receiving_mx_hostname`,`receiving_mx_helo`,`receiving_ip`,`failure_reason_code`);
