-- Derived history (lib/projection/derived.ts): next_at and the load intervals are computed in
-- TypeScript from each conversation's stored history; a database upgraded here gets them filled
-- once, on its first open after this migration (settings.derived_version).
CREATE TABLE `agent_load_intervals` (
	`conversation_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`from_at` integer,
	`to_at` integer
);
--> statement-breakpoint
CREATE INDEX `agent_load_intervals_conversation_idx` ON `agent_load_intervals` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `agent_load_intervals_to_idx` ON `agent_load_intervals` (`to_at`);--> statement-breakpoint
ALTER TABLE `status_transitions` ADD `next_at` integer;