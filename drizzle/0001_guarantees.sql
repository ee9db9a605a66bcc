-- Guarantees the database keeps itself, whatever the application does.

-- 1. A room never holds more active stays than its capacity. rooms.occupants counts the active stays
--    in each room and carries CHECK (occupants between 0 and capacity); this trigger keeps the count.
--    Two admissions into the last bed both update the same rooms row, so the second waits for the
--    first and then fails the check (SQLSTATE 23514, constraint rooms_occupants_check).
CREATE FUNCTION stays_count_room_occupants() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' AND OLD.room_id IS NOT NULL THEN
		IF TG_OP = 'DELETE' OR NEW.status <> 'active' OR NEW.room_id IS DISTINCT FROM OLD.room_id THEN
			UPDATE rooms SET occupants = occupants - 1 WHERE id = OLD.room_id;
		END IF;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' AND NEW.room_id IS NOT NULL THEN
		IF TG_OP = 'INSERT' OR OLD.status <> 'active' OR OLD.room_id IS DISTINCT FROM NEW.room_id THEN
			UPDATE rooms SET occupants = occupants + 1 WHERE id = NEW.room_id;
		END IF;
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER stays_room_occupants
	AFTER INSERT OR UPDATE OF status, room_id OR DELETE ON stays
	FOR EACH ROW EXECUTE FUNCTION stays_count_room_occupants();
--> statement-breakpoint

-- 2. History and audit rows are append-only: nothing edits or deletes them.
CREATE FUNCTION refuse_append_only_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: rows cannot be changed or removed', TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER stay_events_append_only BEFORE UPDATE OR DELETE ON stay_events
	FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
--> statement-breakpoint
CREATE TRIGGER stay_events_no_truncate BEFORE TRUNCATE ON stay_events
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
