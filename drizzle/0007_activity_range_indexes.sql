DROP INDEX `agent_load_intervals_to_idx`;--> statement-breakpoint
CREATE INDEX `agent_load_intervals_to_covering_idx` ON `agent_load_intervals` (`to_at`,`from_at`,`agent_id`,`conversation_id`);--> statement-breakpoint
DROP INDEX `assignment_changes_at_idx`;--> statement-breakpoint
ALTER TABLE `assignment_changes` ADD `channel_id` text;--> statement-breakpoint
ALTER TABLE `assignment_changes` ADD `source` text;--> statement-breakpoint
CREATE INDEX `assignment_changes_at_covering_idx` ON `assignment_changes` (`at`,`kind`,`from_id`,`to_id`,`conversation_id`,`channel_id`,`source`);--> statement-breakpoint
DROP INDEX `status_transitions_at_idx`;--> statement-breakpoint
ALTER TABLE `status_transitions` ADD `channel_id` text;--> statement-breakpoint
ALTER TABLE `status_transitions` ADD `source` text;--> statement-breakpoint
CREATE INDEX `status_transitions_at_covering_idx` ON `status_transitions` (`at`,`to_status`,`from_status`,`next_at`,`channel_id`,`source`);