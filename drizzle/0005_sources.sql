CREATE TABLE `sources` (
	`name` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
-- Databases that already hold conversations: their sources (a conversation's source does not
-- change in Freshchat, so this is what reprojection records; reading the conversations, not every
-- event's JSON, keeps the upgrade of a large database to a second or so).
INSERT OR IGNORE INTO `sources` (`name`) SELECT DISTINCT `source` FROM `conversations` WHERE `source` IS NOT NULL;
