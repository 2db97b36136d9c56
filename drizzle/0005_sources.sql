CREATE TABLE `sources` (
	`name` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
-- Databases that already hold conversations: the sources seen so far.
INSERT OR IGNORE INTO `sources` (`name`) SELECT DISTINCT `source` FROM `conversations` WHERE `source` IS NOT NULL;
