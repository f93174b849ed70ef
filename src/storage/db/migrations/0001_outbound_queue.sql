CREATE TABLE `outbound_queue` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`sender` text NOT NULL,
	`recipients_json` text NOT NULL,
	`spool_path` text NOT NULL,
	`size` integer NOT NULL,
	`ret` text,
	`envid` text,
	`body_type` text,
	`smtputf8` integer DEFAULT false NOT NULL,
	`require_tls` integer DEFAULT false NOT NULL,
	`account_id` integer,
	`state` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `outbound_queue_state_next_idx` ON `outbound_queue` (`state`,`next_attempt_at`);