-- Hand-written: conversations counted as they are stored, so that GET /api/health reads a number
-- instead of counting them (a second on a cold cache at a million conversations, 26 ms warm, on
-- every health check). A trigger rather than code, because ingest's upsert does not say whether
-- it inserted; AFTER INSERT fires only for rows really inserted, not for the upserts that update.
INSERT INTO `counters` (`name`, `value`) SELECT 'conversations', count(*) FROM `conversations`;
--> statement-breakpoint
CREATE TRIGGER `conversations_counted_in` AFTER INSERT ON `conversations`
BEGIN
  UPDATE `counters` SET `value` = `value` + 1 WHERE `name` = 'conversations';
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_counted_out` AFTER DELETE ON `conversations`
BEGIN
  UPDATE `counters` SET `value` = `value` - 1 WHERE `name` = 'conversations';
END;
