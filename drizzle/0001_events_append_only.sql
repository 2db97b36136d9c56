-- The raw event store is append-only: projections can always be rebuilt from it,
-- so nothing may rewrite history in place. (Deleting, e.g. clearing demo data, stays possible.)
CREATE TRIGGER `events_no_update` BEFORE UPDATE ON `events`
BEGIN
  SELECT RAISE(ABORT, 'events is append-only: raw events are never updated');
END;
