CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`max_active_conv` integer,
	`availability_status` text,
	`login_status` integer,
	`is_deactivated` integer,
	`is_deleted` integer,
	`role_id` text,
	`timezone` text,
	`group_ids` text,
	`version` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `assignment_changes` (
	`event_id` integer NOT NULL,
	`kind` text NOT NULL,
	`conversation_id` text NOT NULL,
	`from_id` text,
	`to_id` text,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_type` text,
	PRIMARY KEY(`event_id`, `kind`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignment_changes_conversation_idx` ON `assignment_changes` (`conversation_id`,`at`);--> statement-breakpoint
CREATE INDEX `assignment_changes_at_idx` ON `assignment_changes` (`at`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`enabled` integer,
	`public` integer,
	`locale` text,
	`tags` text,
	`assign_to_group_id` text,
	`version` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `conversations` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`account_id` text,
	`app_id` text,
	`channel_id` text,
	`user_id` text,
	`source` text,
	`status` text,
	`assigned_group_id` text,
	`assigned_agent_id` text,
	`response_due_type` text,
	`label_category_id` text,
	`label_subcategory_id` text,
	`label_category` text,
	`label_subcategory` text,
	`created_at` integer,
	`updated_at` integer,
	`assigned_at` integer,
	`group_assigned_at` integer,
	`first_group_assigned_at` integer,
	`first_agent_assigned_at` integer,
	`resolved_at` integer,
	`reopened_at` integer,
	`version` text NOT NULL,
	`create_seen` integer DEFAULT false NOT NULL,
	`reopen_count` integer DEFAULT 0 NOT NULL,
	`agent_reassignment_count` integer DEFAULT 0 NOT NULL,
	`group_reassignment_count` integer DEFAULT 0 NOT NULL,
	`unassignment_count` integer DEFAULT 0 NOT NULL,
	`first_response_time_bhrs` real,
	`first_response_time_chrs` real,
	`resolution_time_bhrs` real,
	`resolution_time_chrs` real,
	`wait_time_bhrs` real,
	`wait_time_chrs` real,
	`first_agent_assignment_time_bhrs` real,
	`first_agent_assignment_time_chrs` real,
	`first_group_assignment_time_bhrs` real,
	`first_group_assignment_time_chrs` real,
	`agent_reassignment_time_bhrs` real,
	`agent_reassignment_time_chrs` real,
	`group_reassignment_time_bhrs` real,
	`group_reassignment_time_chrs` real,
	`statistics_version` text
);
--> statement-breakpoint
CREATE INDEX `conversations_created_idx` ON `conversations` (`created_at`);--> statement-breakpoint
CREATE INDEX `conversations_status_idx` ON `conversations` (`status`,`assigned_agent_id`);--> statement-breakpoint
CREATE INDEX `conversations_agent_idx` ON `conversations` (`assigned_agent_id`);--> statement-breakpoint
CREATE INDEX `conversations_group_idx` ON `conversations` (`assigned_group_id`);--> statement-breakpoint
CREATE INDEX `conversations_channel_idx` ON `conversations` (`channel_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`event` text NOT NULL,
	`conversation_id` text NOT NULL,
	`event_time` integer NOT NULL,
	`received_at` integer NOT NULL,
	`account_id` text,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_dedupe_key_unique` ON `events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `events_conversation_idx` ON `events` (`conversation_id`,`event_time`);--> statement-breakpoint
CREATE INDEX `events_received_idx` ON `events` (`received_at`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`agent_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `agent_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_agent_idx` ON `group_members` (`agent_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`routing_type` text,
	`is_deactivated` integer,
	`auto_assignment_enabled` integer,
	`business_calendar` text,
	`version` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`actor_id` text,
	`actor_type` text,
	`message_type` text,
	`message_source` text,
	`created_at` integer,
	`is_first_message` integer,
	`is_agent_first_response` integer,
	`is_agent_interim_first_response` integer,
	`in_reply_to` text,
	`interaction_id` text,
	`version` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_conversation_idx` ON `messages` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `status_transitions` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_type` text,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `status_transitions_conversation_idx` ON `status_transitions` (`conversation_id`,`at`);--> statement-breakpoint
CREATE INDEX `status_transitions_at_idx` ON `status_transitions` (`at`);