"""The member tally on the tree of each date (unions/coverage/dated_tally.py).

Its triggers on memberships and ancestry rows, and the recount of what is already
there, frozen here as they were generated (a migration never imports the project's
code); tests/coverage/test_dated_tally.py checks the generator still gives this text.
"""

import django.db.models.deletion
from django.db import migrations, models


DATED_TALLY_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION coverage_dated_membership_insert() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    PERFORM 1 FROM unions_unionunit WHERE id IN (SELECT unit_id FROM new_rows) ORDER BY id FOR SHARE;IF current_setting('sodoanvien.tally_later', true) = 'on' THEN RETURN NULL; END IF;
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM new_rows r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM new_rows r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM new_rows r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_insert ON members_membership""",
        """CREATE TRIGGER coverage_dated_membership_insert AFTER INSERT ON members_membership
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_dated_membership_insert()""",
        """CREATE OR REPLACE FUNCTION coverage_dated_membership_delete() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    PERFORM 1 FROM unions_unionunit WHERE id IN (SELECT unit_id FROM old_rows) ORDER BY id FOR SHARE;
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM old_rows r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM old_rows r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM old_rows r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_delete ON members_membership""",
        """CREATE TRIGGER coverage_dated_membership_delete AFTER DELETE ON members_membership
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_dated_membership_delete()""",
        """CREATE OR REPLACE FUNCTION coverage_dated_membership_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    PERFORM 1 FROM unions_unionunit WHERE id IN (SELECT unit_id FROM (SELECT unit_id FROM old_rows UNION SELECT unit_id FROM new_rows) ids) ORDER BY id FOR SHARE;
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
     UNION ALL
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_update ON members_membership""",
        """CREATE TRIGGER coverage_dated_membership_update AFTER UPDATE ON members_membership
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_dated_membership_update()""",
        """CREATE OR REPLACE FUNCTION coverage_dated_ancestry_insert() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN

        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM new_rows k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM new_rows k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM new_rows k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_insert ON unions_unitancestry""",
        """CREATE TRIGGER coverage_dated_ancestry_insert AFTER INSERT ON unions_unitancestry
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_dated_ancestry_insert()""",
        """CREATE OR REPLACE FUNCTION coverage_dated_ancestry_delete() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN

        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM old_rows k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM old_rows k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM old_rows k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_delete ON unions_unitancestry""",
        """CREATE TRIGGER coverage_dated_ancestry_delete AFTER DELETE ON unions_unitancestry
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_dated_ancestry_delete()""",
        """CREATE OR REPLACE FUNCTION coverage_dated_ancestry_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN

        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.ancestor_id, o.starts_on, o.ends_on) IS DISTINCT FROM (n.unit_id, n.ancestor_id, n.starts_on, n.ends_on)) k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.ancestor_id, o.starts_on, o.ends_on) IS DISTINCT FROM (n.unit_id, n.ancestor_id, n.starts_on, n.ends_on)) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.ancestor_id, o.starts_on, o.ends_on) IS DISTINCT FROM (n.unit_id, n.ancestor_id, n.starts_on, n.ends_on)) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
     UNION ALL
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.ancestor_id, o.starts_on, o.ends_on) IS DISTINCT FROM (n.unit_id, n.ancestor_id, n.starts_on, n.ends_on)) k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.ancestor_id, o.starts_on, o.ends_on) IS DISTINCT FROM (n.unit_id, n.ancestor_id, n.starts_on, n.ends_on)) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.ancestor_id, o.starts_on, o.ends_on) IS DISTINCT FROM (n.unit_id, n.ancestor_id, n.starts_on, n.ends_on)) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_update ON unions_unitancestry""",
        """CREATE TRIGGER coverage_dated_ancestry_update AFTER UPDATE ON unions_unitancestry
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_dated_ancestry_update()""",
    ],
    "sqlite": [
        """DROP TRIGGER IF EXISTS coverage_dated_membership_insert""",
        """CREATE TRIGGER coverage_dated_membership_insert AFTER INSERT ON members_membership FOR EACH ROW BEGIN
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM (SELECT NEW.unit_id AS unit_id, NEW.started_on AS started_on, NEW.left_on AS left_on, NEW.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM (SELECT NEW.unit_id AS unit_id, NEW.started_on AS started_on, NEW.left_on AS left_on, NEW.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM (SELECT NEW.unit_id AS unit_id, NEW.started_on AS started_on, NEW.left_on AS left_on, NEW.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_delete""",
        """CREATE TRIGGER coverage_dated_membership_delete AFTER DELETE ON members_membership FOR EACH ROW BEGIN
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM (SELECT OLD.unit_id AS unit_id, OLD.started_on AS started_on, OLD.left_on AS left_on, OLD.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM (SELECT OLD.unit_id AS unit_id, OLD.started_on AS started_on, OLD.left_on AS left_on, OLD.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM (SELECT OLD.unit_id AS unit_id, OLD.started_on AS started_on, OLD.left_on AS left_on, OLD.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_update""",
        """CREATE TRIGGER coverage_dated_membership_update AFTER UPDATE OF unit_id, started_on, left_on, start_reason ON members_membership FOR EACH ROW BEGIN
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM (SELECT OLD.unit_id AS unit_id, OLD.started_on AS started_on, OLD.left_on AS left_on, OLD.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM (SELECT OLD.unit_id AS unit_id, OLD.started_on AS started_on, OLD.left_on AS left_on, OLD.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM (SELECT OLD.unit_id AS unit_id, OLD.started_on AS started_on, OLD.left_on AS left_on, OLD.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
     UNION ALL
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM (SELECT NEW.unit_id AS unit_id, NEW.started_on AS started_on, NEW.left_on AS left_on, NEW.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM (SELECT NEW.unit_id AS unit_id, NEW.started_on AS started_on, NEW.left_on AS left_on, NEW.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM (SELECT NEW.unit_id AS unit_id, NEW.started_on AS started_on, NEW.left_on AS left_on, NEW.start_reason AS start_reason) r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_insert""",
        """CREATE TRIGGER coverage_dated_ancestry_insert AFTER INSERT ON unions_unitancestry FOR EACH ROW BEGIN
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM (SELECT NEW.unit_id AS unit_id, NEW.ancestor_id AS ancestor_id, NEW.starts_on AS starts_on, NEW.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM (SELECT NEW.unit_id AS unit_id, NEW.ancestor_id AS ancestor_id, NEW.starts_on AS starts_on, NEW.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM (SELECT NEW.unit_id AS unit_id, NEW.ancestor_id AS ancestor_id, NEW.starts_on AS starts_on, NEW.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_delete""",
        """CREATE TRIGGER coverage_dated_ancestry_delete AFTER DELETE ON unions_unitancestry FOR EACH ROW BEGIN
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM (SELECT OLD.unit_id AS unit_id, OLD.ancestor_id AS ancestor_id, OLD.starts_on AS starts_on, OLD.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM (SELECT OLD.unit_id AS unit_id, OLD.ancestor_id AS ancestor_id, OLD.starts_on AS starts_on, OLD.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM (SELECT OLD.unit_id AS unit_id, OLD.ancestor_id AS ancestor_id, OLD.starts_on AS starts_on, OLD.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_update""",
        """CREATE TRIGGER coverage_dated_ancestry_update AFTER UPDATE OF unit_id, ancestor_id, starts_on, ends_on ON unions_unitancestry FOR EACH ROW BEGIN
        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               -1 AS net, 0 AS admitted
        FROM (SELECT OLD.unit_id AS unit_id, OLD.ancestor_id AS ancestor_id, OLD.starts_on AS starts_on, OLD.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               1, 0
        FROM (SELECT OLD.unit_id AS unit_id, OLD.ancestor_id AS ancestor_id, OLD.starts_on AS starts_on, OLD.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, -1
        FROM (SELECT OLD.unit_id AS unit_id, OLD.ancestor_id AS ancestor_id, OLD.starts_on AS starts_on, OLD.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
     UNION ALL
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM (SELECT NEW.unit_id AS unit_id, NEW.ancestor_id AS ancestor_id, NEW.starts_on AS starts_on, NEW.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM (SELECT NEW.unit_id AS unit_id, NEW.ancestor_id AS ancestor_id, NEW.starts_on AS starts_on, NEW.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM (SELECT NEW.unit_id AS unit_id, NEW.ancestor_id AS ancestor_id, NEW.starts_on AS starts_on, NEW.ends_on AS ends_on) k JOIN members_membership r ON r.unit_id = k.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
    ; END""",
    ],
}

DATED_TALLY_REBUILD = {
    "postgresql": [
        """DELETE FROM unions_unitmembertally""",
        """        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM members_membership r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM members_membership r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM members_membership r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date_trunc('month', e.day)::date ELSE date_trunc('year', e.day)::date END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
""",
    ],
    "sqlite": [
        """DELETE FROM unions_unitmembertally""",
        """        INSERT INTO unions_unitmembertally (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM (
        SELECT e.unit_id AS unit_id, s.span AS span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM (
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               1 AS net, 0 AS admitted
        FROM members_membership r JOIN unions_unitancestry k ON k.unit_id = r.unit_id WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on)
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               -1, 0
        FROM members_membership r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE (k.ends_on IS NULL OR r.started_on < k.ends_on) AND (r.left_on IS NULL OR r.left_on > k.starts_on) AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, 1
        FROM members_membership r JOIN unions_unitancestry k ON k.unit_id = r.unit_id
        WHERE r.start_reason IN ('admitted', 'readmitted') AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    ) ev GROUP BY unit_id, day) e
        CROSS JOIN (SELECT 'y' AS span UNION ALL SELECT 'm' AS span UNION ALL SELECT 'd' AS span) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, CASE s.span WHEN 'd' THEN e.day WHEN 'm' THEN date(e.day, 'start of month') ELSE date(e.day, 'start of year') END
    ) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = unions_unitmembertally.net + excluded.net,
            admitted = unions_unitmembertally.admitted + excluded.admitted
""",
    ],
}

DATED_TALLY_DROP = {
    "postgresql": [
        """DROP TRIGGER IF EXISTS coverage_dated_membership_insert ON members_membership""",
        """DROP FUNCTION IF EXISTS coverage_dated_membership_insert()""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_delete ON members_membership""",
        """DROP FUNCTION IF EXISTS coverage_dated_membership_delete()""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_update ON members_membership""",
        """DROP FUNCTION IF EXISTS coverage_dated_membership_update()""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_insert ON unions_unitancestry""",
        """DROP FUNCTION IF EXISTS coverage_dated_ancestry_insert()""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_delete ON unions_unitancestry""",
        """DROP FUNCTION IF EXISTS coverage_dated_ancestry_delete()""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_update ON unions_unitancestry""",
        """DROP FUNCTION IF EXISTS coverage_dated_ancestry_update()""",
    ],
    "sqlite": [
        """DROP TRIGGER IF EXISTS coverage_dated_membership_insert""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_delete""",
        """DROP TRIGGER IF EXISTS coverage_dated_membership_update""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_insert""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_delete""",
        """DROP TRIGGER IF EXISTS coverage_dated_ancestry_update""",
    ],
}


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in DATED_TALLY_TRIGGERS[vendor] + DATED_TALLY_REBUILD[vendor]:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for statement in DATED_TALLY_DROP[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('unions', '0012_employer_known_from'),
        ('members', '0013_fewer_indexes_for_imports'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitMemberTally',
            fields=[
                ('pk', models.CompositePrimaryKey('unit_id', 'span', 'starts_on', blank=True, editable=False, primary_key=True, serialize=False)),
                ('span', models.CharField(choices=[('y', 'year'), ('m', 'month'), ('d', 'day')], max_length=1)),
                ('starts_on', models.DateField()),
                ('net', models.IntegerField(default=0)),
                ('admitted', models.IntegerField(default=0, help_text='Memberships started by admission or readmission.')),
                ('unit', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='unions.unionunit')),
            ],
            options={
                'verbose_name': 'membership tally on the tree of each date',
                'verbose_name_plural': 'membership tallies on the tree of each date',
                'default_permissions': [],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
