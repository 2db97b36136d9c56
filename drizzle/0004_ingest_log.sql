CREATE TABLE `ingest_minutes` (
	`minute` integer PRIMARY KEY NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`events_accepted` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`events_rejected` integer DEFAULT 0 NOT NULL,
	`status_400` integer DEFAULT 0 NOT NULL,
	`status_401` integer DEFAULT 0 NOT NULL,
	`status_413` integer DEFAULT 0 NOT NULL,
	`status_415` integer DEFAULT 0 NOT NULL,
	`status_503` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ingest_rejections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`status` integer NOT NULL,
	`error` text,
	`rejected_items` integer DEFAULT 0 NOT NULL,
	`issues` text DEFAULT '[]' NOT NULL
);
