DROP INDEX `agent_load_intervals_to_covering_idx`;--> statement-breakpoint
ALTER TABLE `agent_load_intervals` ADD `channel_id` text;--> statement-breakpoint
ALTER TABLE `agent_load_intervals` ADD `source` text;--> statement-breakpoint
CREATE INDEX `agent_load_intervals_range_idx` ON `agent_load_intervals` (`to_at`,`from_at`,`agent_id`,`channel_id`,`source`,`conversation_id`);