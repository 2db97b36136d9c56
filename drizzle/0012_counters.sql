CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
-- Hand-written: the running total starts from what is stored (once, at the upgrade).
INSERT INTO `counters` (`name`, `value`) SELECT 'events', count(*) FROM `events`;
