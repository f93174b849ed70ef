-- The catalog stamp (storage/db/catalog-version.ts): one row whose value every change to what
-- routing and delivery cache (domains, accounts, aliases, mailbox names and folders) replaces with a
-- fresh random number, in the same transaction, whichever connection or process makes it.
CREATE TABLE `catalog_stamp` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`stamp` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `catalog_stamp` (`id`, `stamp`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_domains_ins` AFTER INSERT ON `domains` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_domains_upd` AFTER UPDATE ON `domains` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_domains_del` AFTER DELETE ON `domains` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_accounts_ins` AFTER INSERT ON `accounts` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_accounts_upd` AFTER UPDATE OF `id`, `email`, `domain_id`, `quota_bytes`, `disabled` ON `accounts` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_accounts_del` AFTER DELETE ON `accounts` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_aliases_ins` AFTER INSERT ON `aliases` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_aliases_upd` AFTER UPDATE ON `aliases` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_aliases_del` AFTER DELETE ON `aliases` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_mailboxes_ins` AFTER INSERT ON `mailboxes` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_mailboxes_upd` AFTER UPDATE OF `id`, `account_id`, `name`, `folder` ON `mailboxes` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_stamp_mailboxes_del` AFTER DELETE ON `mailboxes` BEGIN UPDATE `catalog_stamp` SET `stamp` = random() WHERE `id` = 1; END;
