DROP INDEX `conversations_status_idx`;--> statement-breakpoint
CREATE INDEX `conversations_status_idx` ON `conversations` (`status`,`assigned_agent_id`,`assigned_group_id`,`channel_id`,`source`);