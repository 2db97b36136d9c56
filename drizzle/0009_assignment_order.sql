DROP INDEX `assignment_changes_at_covering_idx`;--> statement-breakpoint
ALTER TABLE `assignment_changes` ADD `previous_assigned_at` integer;--> statement-breakpoint
ALTER TABLE `assignment_changes` ADD `previous_reassigned_at` integer;--> statement-breakpoint
CREATE INDEX `assignment_changes_range_idx` ON `assignment_changes` (`at`,`kind`,`from_id`,`to_id`,`conversation_id`,`channel_id`,`source`,`previous_assigned_at`,`previous_reassigned_at`);