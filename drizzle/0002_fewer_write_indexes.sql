DROP TABLE `group_members`;--> statement-breakpoint
DROP INDEX `conversations_agent_idx`;--> statement-breakpoint
DROP INDEX `conversations_group_idx`;--> statement-breakpoint
DROP INDEX `conversations_channel_idx`;--> statement-breakpoint
DROP INDEX `events_received_idx`;--> statement-breakpoint
ALTER TABLE `groups` ADD `agent_ids` text;