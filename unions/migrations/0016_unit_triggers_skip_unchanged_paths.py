"""The coverage triggers on units return at once when a statement changed no path (nor,
for the stale-employer queue, a founding or end date): a move writes the paths of all
the units it moves in one statement (unions/paths.py), and the child counts in one
more, which then costs the triggers nothing. Frozen as unions/coverage/triggers.py
generates them; SQLite's row triggers are unchanged (they already skip unchanged paths).

Reversed: the two unit triggers as migration 0014 froze them.
"""

from django.db import migrations

COVERAGE_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION coverage_tally_membership_insert() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    PERFORM 1 FROM unions_unionunit WHERE id IN (SELECT unit_id FROM new_rows) ORDER BY id FOR SHARE;IF current_setting('sodoanvien.tally_later', true) = 'on' THEN
                    INSERT INTO coverage_tally_later SELECT id FROM new_rows;
                    RETURN NULL;
                END IF;
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date_trunc('month', e.day)::date END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
        SELECT u.path AS unit_path, r.started_on AS day, 1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN 1 ELSE 0 END
                   AS admitted
        FROM new_rows r JOIN unions_unionunit u ON u.id = r.unit_id
        UNION ALL
        SELECT u.path, r.left_on, -1, 0
        FROM new_rows r JOIN unions_unionunit u ON u.id = r.unit_id
        WHERE r.left_on IS NOT NULL
    ) ev GROUP BY unit_path, day
    ) e CROSS JOIN LATERAL generate_series(1, length(e.unit_path) / 4) lv(k)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_tally_membership_insert ON members_membership""",
        """CREATE TRIGGER coverage_tally_membership_insert AFTER INSERT ON members_membership
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_tally_membership_insert()""",
        """CREATE OR REPLACE FUNCTION coverage_tally_membership_delete() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    PERFORM 1 FROM unions_unionunit WHERE id IN (SELECT unit_id FROM old_rows) ORDER BY id FOR SHARE;
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date_trunc('month', e.day)::date END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
        SELECT u.path AS unit_path, r.started_on AS day, -1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN -1 ELSE 0 END
                   AS admitted
        FROM old_rows r JOIN unions_unionunit u ON u.id = r.unit_id
        UNION ALL
        SELECT u.path, r.left_on, 1, 0
        FROM old_rows r JOIN unions_unionunit u ON u.id = r.unit_id
        WHERE r.left_on IS NOT NULL
    ) ev GROUP BY unit_path, day
    ) e CROSS JOIN LATERAL generate_series(1, length(e.unit_path) / 4) lv(k)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_tally_membership_delete ON members_membership""",
        """CREATE TRIGGER coverage_tally_membership_delete AFTER DELETE ON members_membership
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_tally_membership_delete()""",
        """CREATE OR REPLACE FUNCTION coverage_tally_membership_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    PERFORM 1 FROM unions_unionunit WHERE id IN (SELECT unit_id FROM (SELECT unit_id FROM old_rows UNION SELECT unit_id FROM new_rows) ids) ORDER BY id FOR SHARE;
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date_trunc('month', e.day)::date END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
        SELECT u.path AS unit_path, r.started_on AS day, -1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN -1 ELSE 0 END
                   AS admitted
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unionunit u ON u.id = r.unit_id
        UNION ALL
        SELECT u.path, r.left_on, 1, 0
        FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unionunit u ON u.id = r.unit_id
        WHERE r.left_on IS NOT NULL
     UNION ALL
        SELECT u.path AS unit_path, r.started_on AS day, 1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN 1 ELSE 0 END
                   AS admitted
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unionunit u ON u.id = r.unit_id
        UNION ALL
        SELECT u.path, r.left_on, -1, 0
        FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.unit_id, o.started_on, o.left_on, o.start_reason) IS DISTINCT FROM (n.unit_id, n.started_on, n.left_on, n.start_reason)) r JOIN unions_unionunit u ON u.id = r.unit_id
        WHERE r.left_on IS NOT NULL
    ) ev GROUP BY unit_path, day
    ) e CROSS JOIN LATERAL generate_series(1, length(e.unit_path) / 4) lv(k)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_tally_membership_update ON members_membership""",
        """CREATE TRIGGER coverage_tally_membership_update AFTER UPDATE ON members_membership
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_tally_membership_update()""",
        """CREATE OR REPLACE FUNCTION coverage_tally_unit_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM old_units o JOIN new_units n ON n.id = o.id WHERE o.path IS DISTINCT FROM n.path) THEN RETURN NULL; END IF;
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date_trunc('month', e.day)::date END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
        SELECT mv.old_path AS unit_path, r.started_on AS day, -1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN -1 ELSE 0 END
                   AS admitted
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        UNION ALL
        SELECT mv.old_path, r.left_on, 1, 0
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        WHERE r.left_on IS NOT NULL
     UNION ALL
        SELECT mv.new_path AS unit_path, r.started_on AS day, 1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN 1 ELSE 0 END
                   AS admitted
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        UNION ALL
        SELECT mv.new_path, r.left_on, -1, 0
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        WHERE r.left_on IS NOT NULL
    ) ev GROUP BY unit_path, day
    ) e CROSS JOIN LATERAL generate_series(1, length(e.unit_path) / 4) lv(k)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_tally_unit_update ON unions_unionunit""",
        """CREATE TRIGGER coverage_tally_unit_update AFTER UPDATE ON unions_unionunit
                REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_tally_unit_update()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_employer_insert() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT id FROM new_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_employer_insert ON unions_employer""",
        """CREATE TRIGGER coverage_stale_employer_insert AFTER INSERT ON unions_employer
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_employer_insert()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_employer_delete() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT id FROM old_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_employer_delete ON unions_employer""",
        """CREATE TRIGGER coverage_stale_employer_delete AFTER DELETE ON unions_employer
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_employer_delete()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_employer_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.workers, o.workers_reported_on, o.founded_on, o.recorded_on, o.kind, o.managing_unit_id, o.grassroots_union_id) IS DISTINCT FROM (n.workers, n.workers_reported_on, n.founded_on, n.recorded_on, n.kind, n.managing_unit_id, n.grassroots_union_id) ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_employer_update ON unions_employer""",
        """CREATE TRIGGER coverage_stale_employer_update AFTER UPDATE ON unions_employer
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_employer_update()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_unit_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM old_units o JOIN new_units n ON n.id = o.id WHERE (o.path, o.founded_on, o.dissolved_on) IS DISTINCT FROM (n.path, n.founded_on, n.dissolved_on)) THEN RETURN NULL; END IF;INSERT INTO unions_staleemployer (employer_id) WITH changed AS (
                        SELECT n.id FROM old_units o JOIN new_units n ON n.id = o.id
                        WHERE (o.path, o.founded_on, o.dissolved_on)
                              IS DISTINCT FROM (n.path, n.founded_on, n.dissolved_on))
                    SELECT e.id FROM unions_employer e
                    JOIN changed c ON c.id = e.managing_unit_id
                    UNION
                    SELECT e.id FROM unions_employer e
                    JOIN changed c ON c.id = e.grassroots_union_id ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_unit_update ON unions_unionunit""",
        """CREATE TRIGGER coverage_stale_unit_update AFTER UPDATE ON unions_unionunit
                REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_unit_update()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_report_insert() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT DISTINCT employer_id FROM new_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_report_insert ON unions_workforcereport""",
        """CREATE TRIGGER coverage_stale_report_insert AFTER INSERT ON unions_workforcereport
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_report_insert()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_report_delete() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT DISTINCT employer_id FROM old_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_report_delete ON unions_workforcereport""",
        """CREATE TRIGGER coverage_stale_report_delete AFTER DELETE ON unions_workforcereport
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_report_delete()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_report_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT employer_id FROM old_rows UNION SELECT employer_id FROM new_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_report_update ON unions_workforcereport""",
        """CREATE TRIGGER coverage_stale_report_update AFTER UPDATE ON unions_workforcereport
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_report_update()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_agreement_insert() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT DISTINCT employer_id FROM new_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_agreement_insert ON unions_collectiveagreement""",
        """CREATE TRIGGER coverage_stale_agreement_insert AFTER INSERT ON unions_collectiveagreement
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_agreement_insert()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_agreement_delete() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT DISTINCT employer_id FROM old_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_agreement_delete ON unions_collectiveagreement""",
        """CREATE TRIGGER coverage_stale_agreement_delete AFTER DELETE ON unions_collectiveagreement
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_agreement_delete()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_agreement_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) SELECT employer_id FROM old_rows UNION SELECT employer_id FROM new_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_agreement_update ON unions_collectiveagreement""",
        """CREATE TRIGGER coverage_stale_agreement_update AFTER UPDATE ON unions_collectiveagreement
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_agreement_update()""",
    ],
    "sqlite": [
        """DROP TRIGGER IF EXISTS coverage_tally_membership_insert""",
        """CREATE TRIGGER coverage_tally_membership_insert AFTER INSERT ON members_membership FOR EACH ROW  BEGIN
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date(e.day, 'start of month') END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
            SELECT u.path AS unit_path, NEW.started_on AS day, 1 AS net,
                   CASE WHEN NEW.start_reason IN ('admitted', 'readmitted')
                        THEN 1 ELSE 0 END AS admitted
            FROM unions_unionunit u WHERE u.id = NEW.unit_id
            UNION ALL
            SELECT u.path, NEW.left_on, -1, 0
            FROM unions_unionunit u WHERE u.id = NEW.unit_id AND NEW.left_on IS NOT NULL
        ) ev GROUP BY unit_path, day
    ) e JOIN (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k UNION ALL SELECT 5 AS k UNION ALL SELECT 6 AS k UNION ALL SELECT 7 AS k UNION ALL SELECT 8 AS k UNION ALL SELECT 9 AS k UNION ALL SELECT 10 AS k UNION ALL SELECT 11 AS k UNION ALL SELECT 12 AS k UNION ALL SELECT 13 AS k UNION ALL SELECT 14 AS k UNION ALL SELECT 15 AS k UNION ALL SELECT 16 AS k UNION ALL SELECT 17 AS k UNION ALL SELECT 18 AS k UNION ALL SELECT 19 AS k UNION ALL SELECT 20 AS k UNION ALL SELECT 21 AS k UNION ALL SELECT 22 AS k UNION ALL SELECT 23 AS k UNION ALL SELECT 24 AS k UNION ALL SELECT 25 AS k UNION ALL SELECT 26 AS k UNION ALL SELECT 27 AS k UNION ALL SELECT 28 AS k UNION ALL SELECT 29 AS k UNION ALL SELECT 30 AS k UNION ALL SELECT 31 AS k UNION ALL SELECT 32 AS k UNION ALL SELECT 33 AS k UNION ALL SELECT 34 AS k UNION ALL SELECT 35 AS k UNION ALL SELECT 36 AS k UNION ALL SELECT 37 AS k UNION ALL SELECT 38 AS k UNION ALL SELECT 39 AS k UNION ALL SELECT 40 AS k UNION ALL SELECT 41 AS k UNION ALL SELECT 42 AS k UNION ALL SELECT 43 AS k UNION ALL SELECT 44 AS k UNION ALL SELECT 45 AS k UNION ALL SELECT 46 AS k UNION ALL SELECT 47 AS k UNION ALL SELECT 48 AS k UNION ALL SELECT 49 AS k UNION ALL SELECT 50 AS k UNION ALL SELECT 51 AS k UNION ALL SELECT 52 AS k UNION ALL SELECT 53 AS k UNION ALL SELECT 54 AS k UNION ALL SELECT 55 AS k UNION ALL SELECT 56 AS k UNION ALL SELECT 57 AS k UNION ALL SELECT 58 AS k UNION ALL SELECT 59 AS k UNION ALL SELECT 60 AS k UNION ALL SELECT 61 AS k UNION ALL SELECT 62 AS k UNION ALL SELECT 63 AS k) lv ON lv.k * 4 <= length(e.unit_path)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_tally_membership_delete""",
        """CREATE TRIGGER coverage_tally_membership_delete AFTER DELETE ON members_membership FOR EACH ROW  BEGIN
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date(e.day, 'start of month') END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
            SELECT u.path AS unit_path, OLD.started_on AS day, -1 AS net,
                   CASE WHEN OLD.start_reason IN ('admitted', 'readmitted')
                        THEN -1 ELSE 0 END AS admitted
            FROM unions_unionunit u WHERE u.id = OLD.unit_id
            UNION ALL
            SELECT u.path, OLD.left_on, 1, 0
            FROM unions_unionunit u WHERE u.id = OLD.unit_id AND OLD.left_on IS NOT NULL
        ) ev GROUP BY unit_path, day
    ) e JOIN (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k UNION ALL SELECT 5 AS k UNION ALL SELECT 6 AS k UNION ALL SELECT 7 AS k UNION ALL SELECT 8 AS k UNION ALL SELECT 9 AS k UNION ALL SELECT 10 AS k UNION ALL SELECT 11 AS k UNION ALL SELECT 12 AS k UNION ALL SELECT 13 AS k UNION ALL SELECT 14 AS k UNION ALL SELECT 15 AS k UNION ALL SELECT 16 AS k UNION ALL SELECT 17 AS k UNION ALL SELECT 18 AS k UNION ALL SELECT 19 AS k UNION ALL SELECT 20 AS k UNION ALL SELECT 21 AS k UNION ALL SELECT 22 AS k UNION ALL SELECT 23 AS k UNION ALL SELECT 24 AS k UNION ALL SELECT 25 AS k UNION ALL SELECT 26 AS k UNION ALL SELECT 27 AS k UNION ALL SELECT 28 AS k UNION ALL SELECT 29 AS k UNION ALL SELECT 30 AS k UNION ALL SELECT 31 AS k UNION ALL SELECT 32 AS k UNION ALL SELECT 33 AS k UNION ALL SELECT 34 AS k UNION ALL SELECT 35 AS k UNION ALL SELECT 36 AS k UNION ALL SELECT 37 AS k UNION ALL SELECT 38 AS k UNION ALL SELECT 39 AS k UNION ALL SELECT 40 AS k UNION ALL SELECT 41 AS k UNION ALL SELECT 42 AS k UNION ALL SELECT 43 AS k UNION ALL SELECT 44 AS k UNION ALL SELECT 45 AS k UNION ALL SELECT 46 AS k UNION ALL SELECT 47 AS k UNION ALL SELECT 48 AS k UNION ALL SELECT 49 AS k UNION ALL SELECT 50 AS k UNION ALL SELECT 51 AS k UNION ALL SELECT 52 AS k UNION ALL SELECT 53 AS k UNION ALL SELECT 54 AS k UNION ALL SELECT 55 AS k UNION ALL SELECT 56 AS k UNION ALL SELECT 57 AS k UNION ALL SELECT 58 AS k UNION ALL SELECT 59 AS k UNION ALL SELECT 60 AS k UNION ALL SELECT 61 AS k UNION ALL SELECT 62 AS k UNION ALL SELECT 63 AS k) lv ON lv.k * 4 <= length(e.unit_path)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_tally_membership_update""",
        """CREATE TRIGGER coverage_tally_membership_update AFTER UPDATE OF unit_id, started_on, left_on, start_reason ON members_membership FOR EACH ROW  BEGIN
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date(e.day, 'start of month') END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
            SELECT u.path AS unit_path, OLD.started_on AS day, -1 AS net,
                   CASE WHEN OLD.start_reason IN ('admitted', 'readmitted')
                        THEN -1 ELSE 0 END AS admitted
            FROM unions_unionunit u WHERE u.id = OLD.unit_id
            UNION ALL
            SELECT u.path, OLD.left_on, 1, 0
            FROM unions_unionunit u WHERE u.id = OLD.unit_id AND OLD.left_on IS NOT NULL
         UNION ALL
            SELECT u.path AS unit_path, NEW.started_on AS day, 1 AS net,
                   CASE WHEN NEW.start_reason IN ('admitted', 'readmitted')
                        THEN 1 ELSE 0 END AS admitted
            FROM unions_unionunit u WHERE u.id = NEW.unit_id
            UNION ALL
            SELECT u.path, NEW.left_on, -1, 0
            FROM unions_unionunit u WHERE u.id = NEW.unit_id AND NEW.left_on IS NOT NULL
        ) ev GROUP BY unit_path, day
    ) e JOIN (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k UNION ALL SELECT 5 AS k UNION ALL SELECT 6 AS k UNION ALL SELECT 7 AS k UNION ALL SELECT 8 AS k UNION ALL SELECT 9 AS k UNION ALL SELECT 10 AS k UNION ALL SELECT 11 AS k UNION ALL SELECT 12 AS k UNION ALL SELECT 13 AS k UNION ALL SELECT 14 AS k UNION ALL SELECT 15 AS k UNION ALL SELECT 16 AS k UNION ALL SELECT 17 AS k UNION ALL SELECT 18 AS k UNION ALL SELECT 19 AS k UNION ALL SELECT 20 AS k UNION ALL SELECT 21 AS k UNION ALL SELECT 22 AS k UNION ALL SELECT 23 AS k UNION ALL SELECT 24 AS k UNION ALL SELECT 25 AS k UNION ALL SELECT 26 AS k UNION ALL SELECT 27 AS k UNION ALL SELECT 28 AS k UNION ALL SELECT 29 AS k UNION ALL SELECT 30 AS k UNION ALL SELECT 31 AS k UNION ALL SELECT 32 AS k UNION ALL SELECT 33 AS k UNION ALL SELECT 34 AS k UNION ALL SELECT 35 AS k UNION ALL SELECT 36 AS k UNION ALL SELECT 37 AS k UNION ALL SELECT 38 AS k UNION ALL SELECT 39 AS k UNION ALL SELECT 40 AS k UNION ALL SELECT 41 AS k UNION ALL SELECT 42 AS k UNION ALL SELECT 43 AS k UNION ALL SELECT 44 AS k UNION ALL SELECT 45 AS k UNION ALL SELECT 46 AS k UNION ALL SELECT 47 AS k UNION ALL SELECT 48 AS k UNION ALL SELECT 49 AS k UNION ALL SELECT 50 AS k UNION ALL SELECT 51 AS k UNION ALL SELECT 52 AS k UNION ALL SELECT 53 AS k UNION ALL SELECT 54 AS k UNION ALL SELECT 55 AS k UNION ALL SELECT 56 AS k UNION ALL SELECT 57 AS k UNION ALL SELECT 58 AS k UNION ALL SELECT 59 AS k UNION ALL SELECT 60 AS k UNION ALL SELECT 61 AS k UNION ALL SELECT 62 AS k UNION ALL SELECT 63 AS k) lv ON lv.k * 4 <= length(e.unit_path)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_tally_unit_update""",
        """CREATE TRIGGER coverage_tally_unit_update AFTER UPDATE OF path ON unions_unionunit FOR EACH ROW WHEN OLD.path <> NEW.path BEGIN
        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date(e.day, 'start of month') END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
        SELECT mv.old_path AS unit_path, r.started_on AS day, -1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN -1 ELSE 0 END
                   AS admitted
        FROM (SELECT NEW.id AS id, OLD.path AS old_path, NEW.path AS new_path) mv JOIN members_membership r ON r.unit_id = mv.id
        UNION ALL
        SELECT mv.old_path, r.left_on, 1, 0
        FROM (SELECT NEW.id AS id, OLD.path AS old_path, NEW.path AS new_path) mv JOIN members_membership r ON r.unit_id = mv.id
        WHERE r.left_on IS NOT NULL
     UNION ALL
        SELECT mv.new_path AS unit_path, r.started_on AS day, 1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN 1 ELSE 0 END
                   AS admitted
        FROM (SELECT NEW.id AS id, OLD.path AS old_path, NEW.path AS new_path) mv JOIN members_membership r ON r.unit_id = mv.id
        UNION ALL
        SELECT mv.new_path, r.left_on, -1, 0
        FROM (SELECT NEW.id AS id, OLD.path AS old_path, NEW.path AS new_path) mv JOIN members_membership r ON r.unit_id = mv.id
        WHERE r.left_on IS NOT NULL
    ) ev GROUP BY unit_path, day
    ) e JOIN (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k UNION ALL SELECT 5 AS k UNION ALL SELECT 6 AS k UNION ALL SELECT 7 AS k UNION ALL SELECT 8 AS k UNION ALL SELECT 9 AS k UNION ALL SELECT 10 AS k UNION ALL SELECT 11 AS k UNION ALL SELECT 12 AS k UNION ALL SELECT 13 AS k UNION ALL SELECT 14 AS k UNION ALL SELECT 15 AS k UNION ALL SELECT 16 AS k UNION ALL SELECT 17 AS k UNION ALL SELECT 18 AS k UNION ALL SELECT 19 AS k UNION ALL SELECT 20 AS k UNION ALL SELECT 21 AS k UNION ALL SELECT 22 AS k UNION ALL SELECT 23 AS k UNION ALL SELECT 24 AS k UNION ALL SELECT 25 AS k UNION ALL SELECT 26 AS k UNION ALL SELECT 27 AS k UNION ALL SELECT 28 AS k UNION ALL SELECT 29 AS k UNION ALL SELECT 30 AS k UNION ALL SELECT 31 AS k UNION ALL SELECT 32 AS k UNION ALL SELECT 33 AS k UNION ALL SELECT 34 AS k UNION ALL SELECT 35 AS k UNION ALL SELECT 36 AS k UNION ALL SELECT 37 AS k UNION ALL SELECT 38 AS k UNION ALL SELECT 39 AS k UNION ALL SELECT 40 AS k UNION ALL SELECT 41 AS k UNION ALL SELECT 42 AS k UNION ALL SELECT 43 AS k UNION ALL SELECT 44 AS k UNION ALL SELECT 45 AS k UNION ALL SELECT 46 AS k UNION ALL SELECT 47 AS k UNION ALL SELECT 48 AS k UNION ALL SELECT 49 AS k UNION ALL SELECT 50 AS k UNION ALL SELECT 51 AS k UNION ALL SELECT 52 AS k UNION ALL SELECT 53 AS k UNION ALL SELECT 54 AS k UNION ALL SELECT 55 AS k UNION ALL SELECT 56 AS k UNION ALL SELECT 57 AS k UNION ALL SELECT 58 AS k UNION ALL SELECT 59 AS k UNION ALL SELECT 60 AS k UNION ALL SELECT 61 AS k UNION ALL SELECT 62 AS k UNION ALL SELECT 63 AS k) lv ON lv.k * 4 <= length(e.unit_path)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ; END""",
        """DROP TRIGGER IF EXISTS coverage_stale_employer_insert""",
        """CREATE TRIGGER coverage_stale_employer_insert AFTER INSERT ON unions_employer FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (NEW.id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_employer_delete""",
        """CREATE TRIGGER coverage_stale_employer_delete AFTER DELETE ON unions_employer FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (OLD.id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_employer_update""",
        """CREATE TRIGGER coverage_stale_employer_update AFTER UPDATE OF workers, workers_reported_on, founded_on, recorded_on, kind, managing_unit_id, grassroots_union_id ON unions_employer FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (NEW.id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_unit_update""",
        """CREATE TRIGGER coverage_stale_unit_update AFTER UPDATE OF path, founded_on, dissolved_on ON unions_unionunit FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id)
                SELECT id FROM unions_employer WHERE managing_unit_id = NEW.id
                UNION SELECT id FROM unions_employer WHERE grassroots_union_id = NEW.id; END""",
        """DROP TRIGGER IF EXISTS coverage_stale_report_insert""",
        """CREATE TRIGGER coverage_stale_report_insert AFTER INSERT ON unions_workforcereport FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (NEW.employer_id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_report_delete""",
        """CREATE TRIGGER coverage_stale_report_delete AFTER DELETE ON unions_workforcereport FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (OLD.employer_id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_report_update""",
        """CREATE TRIGGER coverage_stale_report_update AFTER UPDATE ON unions_workforcereport FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (OLD.employer_id); INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (NEW.employer_id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_agreement_insert""",
        """CREATE TRIGGER coverage_stale_agreement_insert AFTER INSERT ON unions_collectiveagreement FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (NEW.employer_id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_agreement_delete""",
        """CREATE TRIGGER coverage_stale_agreement_delete AFTER DELETE ON unions_collectiveagreement FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (OLD.employer_id); END""",
        """DROP TRIGGER IF EXISTS coverage_stale_agreement_update""",
        """CREATE TRIGGER coverage_stale_agreement_update AFTER UPDATE ON unions_collectiveagreement FOR EACH ROW  BEGIN INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (OLD.employer_id); INSERT OR IGNORE INTO unions_staleemployer (employer_id) VALUES (NEW.employer_id); END""",
    ],
}

PREVIOUS_UNIT_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION coverage_tally_unit_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN

        INSERT INTO unions_membertally (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM (
        SELECT substr(e.unit_path, 1, lv.k * 4) AS path,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN 'd' ELSE 'm' END AS span,
               CASE WHEN lv.k * 4 = length(e.unit_path) THEN e.day ELSE date_trunc('month', e.day)::date END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM (
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM (
        SELECT mv.old_path AS unit_path, r.started_on AS day, -1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN -1 ELSE 0 END
                   AS admitted
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        UNION ALL
        SELECT mv.old_path, r.left_on, 1, 0
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        WHERE r.left_on IS NOT NULL
     UNION ALL
        SELECT mv.new_path AS unit_path, r.started_on AS day, 1 AS net,
               CASE WHEN r.start_reason IN ('admitted', 'readmitted') THEN 1 ELSE 0 END
                   AS admitted
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        UNION ALL
        SELECT mv.new_path, r.left_on, -1, 0
        FROM (SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path) mv JOIN members_membership r ON r.unit_id = mv.id
        WHERE r.left_on IS NOT NULL
    ) ev GROUP BY unit_path, day
    ) e CROSS JOIN LATERAL generate_series(1, length(e.unit_path) / 4) lv(k)
        WHERE true
        GROUP BY 1, 2, 3
    ) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = unions_membertally.net + excluded.net,
            admitted = unions_membertally.admitted + excluded.admitted
    ;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_tally_unit_update ON unions_unionunit""",
        """CREATE TRIGGER coverage_tally_unit_update AFTER UPDATE ON unions_unionunit
                REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_tally_unit_update()""",
        """CREATE OR REPLACE FUNCTION coverage_stale_unit_update() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    INSERT INTO unions_staleemployer (employer_id) WITH changed AS (
                        SELECT n.id FROM old_units o JOIN new_units n ON n.id = o.id
                        WHERE (o.path, o.founded_on, o.dissolved_on)
                              IS DISTINCT FROM (n.path, n.founded_on, n.dissolved_on))
                    SELECT e.id FROM unions_employer e
                    JOIN changed c ON c.id = e.managing_unit_id
                    UNION
                    SELECT e.id FROM unions_employer e
                    JOIN changed c ON c.id = e.grassroots_union_id ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $body$""",
        """DROP TRIGGER IF EXISTS coverage_stale_unit_update ON unions_unionunit""",
        """CREATE TRIGGER coverage_stale_unit_update AFTER UPDATE ON unions_unionunit
                REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT
                EXECUTE FUNCTION coverage_stale_unit_update()""",
    ],
    "sqlite": [],
}


def forward(apps, schema_editor):
    for statement in COVERAGE_TRIGGERS[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    for statement in PREVIOUS_UNIT_TRIGGERS[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("unions", "0015_reorganisations")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
