CREATE TABLE `dav_collections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`display_name` text,
	`description` text,
	`color` text,
	`timezone` text,
	`components` text,
	`properties` text DEFAULT '{}' NOT NULL,
	`sync_seq` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dav_collections_account_kind_name_unique` ON `dav_collections` (`account_id`,`kind`,`name`);--> statement-breakpoint
CREATE TABLE `dav_objects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`collection_id` integer NOT NULL,
	`name` text NOT NULL,
	`uid` text NOT NULL,
	`etag` text NOT NULL,
	`component_type` text NOT NULL,
	`content_type` text NOT NULL,
	`body` blob NOT NULL,
	`size` integer NOT NULL,
	`first_start` integer,
	`last_end` integer,
	`mod_seq` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`collection_id`) REFERENCES `dav_collections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dav_objects_collection_name_unique` ON `dav_objects` (`collection_id`,`name`);--> statement-breakpoint
CREATE INDEX `dav_objects_collection_uid_idx` ON `dav_objects` (`collection_id`,`uid`);--> statement-breakpoint
CREATE TABLE `dav_changes` (
	`collection_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`collection_id`, `seq`),
	FOREIGN KEY (`collection_id`) REFERENCES `dav_collections`(`id`) ON UPDATE no action ON DELETE cascade
);
