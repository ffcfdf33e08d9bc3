"""The whole Kennzahlentabelle in hand-written SQL: every figure of the definition in force, as
a reader of the schema would write it from the rules in ``reporting.kennzahlen.queries`` (and
the docstrings of ``queries_contacts``, ``queries_plans``, ``queries_outcomes``,
``queries_network``), without the ORM's expressions.

Four statements, one per kind of counted row: staff and network work, the Kreis's clients (who
is in the target group on 31.12. or during the year, with everything attributed to a client's
municipality on 31.12.: persons, households, features, plans, goals, ratings, extensions,
closings), contacts, outcomes. Each reads its rows once into a CTE and aggregates it per
breakdown; every statement returns rows ``(figure, kreis, provider, k0, k1, k2, value)``:
``kreis`` true for the Kreis column of a figure that does not add up over providers, the keys
as text (``KEYS`` says how many a figure has), ``value`` NULL where the figure has no such row
(the ORM groups only rows that exist). Built from constant fragments only; every value is a
query parameter (``parameters``).

``devtools.bench.reporting`` times it against the ORM, ``tests/test_bench_sql.py`` checks that
both give the same rows for every figure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from clients.window import EXTENSION_YEARS, YEARS, add_years

# The number of breakdown keys per figure: the figures this SQL computes.
KEYS = {
    **dict.fromkeys(("P01", "P02", "Z01", "Z02", "Z05", "Z06", "Z07", "Z08"), 0),
    **dict.fromkeys(("I01", "I02", "I03", "I04", "I08", "K01", "K02"), 0),
    **dict.fromkeys(("V01", "V02", "V03", "W02", "W04", "W05"), 0),
    **dict.fromkeys(("P03", "P04", "P05", "P06", "Z03", "Z04"), 1),
    **dict.fromkeys(("M01", "M02", "M03", "M04", "M05", "I06", "I07"), 1),
    **dict.fromkeys(("K03", "K04", "K05", "K06", "K07", "V04", "W01", "W03"), 1),
    "I05": 3,
}


def parameters(landkreis_id: int, year: int) -> dict:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return {
        "kreis": landkreis_id,
        "start": start,
        "end": end,
        "start_at": timezone.make_aware(dt.datetime(year, 1, 1)),
        "end_at": timezone.make_aware(dt.datetime(year + 1, 1, 1)),
        "days": Decimal((end - start).days + 1),
        # the earliest window start (assignment or, for § 24, case opening) whose three
        # years (four with an approved extension) still reach 31.12. / 01.01.
        "reaching_end": add_years(end, -YEARS),
        "reaching_start": add_years(start, -YEARS),
        "reaching_end_ext": add_years(end, -(YEARS + EXTENSION_YEARS)),
        "reaching_start_ext": add_years(start, -(YEARS + EXTENSION_YEARS)),
        # born after these days: younger than 18, 27, 65 on 31.12.
        "born_18": add_years(end, -18),
        "born_27": add_years(end, -27),
        "born_65": add_years(end, -65),
    }


_KREIS_PROVIDERS = "(SELECT id FROM organisation_provider WHERE landkreis_id = %(kreis)s)"

# --- staff and network work ---------------------------------------------------------------------

# Role, provider, VZÄ and qualification on 31.12.: the latest dated change by then (an undated
# one counts last), else today's values; managers and team leads employed during the year.
STAFF_NETWORK = f"""
WITH staff AS MATERIALIZED (
    SELECT COALESCE(h.provider_id, s.provider_id) AS provider_id,
           COALESCE(h.vza, s.vza) AS vza,
           COALESCE(h.qualification, s.qualification) AS qualification,
           CASE WHEN s.requalification_finished <= %(end)s THEN 'abgeschlossen'
                WHEN s.requalification_started <= %(end)s THEN 'begonnen'
                ELSE 'ausstehend' END AS requalification,
           LEAST(COALESCE(s.end_date, %(end)s), %(end)s)
             - GREATEST(COALESCE(s.start_date, %(start)s), %(start)s) + 1 AS days
    FROM organisation_staffmember s
    LEFT JOIN LATERAL (
        SELECT c.provider_id, c.role, c.vza, c.qualification FROM organisation_staffchange c
        WHERE c.staff_id = s.id AND (c.valid_from IS NULL OR c.valid_from <= %(end)s)
        ORDER BY c.valid_from DESC NULLS LAST, c.id DESC LIMIT 1) h ON TRUE
    WHERE COALESCE(h.role, s.role) IN ('manager', 'team_lead')
      AND COALESCE(h.provider_id, s.provider_id) IN {_KREIS_PROVIDERS}
      AND (s.start_date IS NULL OR s.start_date <= %(end)s)
      AND (s.end_date IS NULL OR s.end_date >= %(start)s)
), activity AS (
    SELECT a.provider_id, a.kind, a.duration_minutes FROM clients_networkactivity a
    WHERE a.withdrawn_at IS NULL AND a.date BETWEEN %(start)s AND %(end)s
      AND a.provider_id IN {_KREIS_PROVIDERS}
)
SELECT u.figure, FALSE, g.provider_id, NULL, NULL, NULL, u.value FROM (
    SELECT provider_id, COUNT(*) AS persons,
           COALESCE(SUM(vza * days) / %(days)s, 0) AS vza FROM staff GROUP BY provider_id
) g CROSS JOIN LATERAL (VALUES ('P01', g.persons), ('P02', g.vza)) u(figure, value)
UNION ALL
SELECT 'P03', FALSE, provider_id, qualification, NULL, NULL, COUNT(*)
FROM staff GROUP BY provider_id, qualification
UNION ALL
SELECT 'P04', FALSE, provider_id, requalification, NULL, NULL, COUNT(*)
FROM staff WHERE qualification = 'andere' GROUP BY provider_id, requalification
UNION ALL
SELECT u.figure, FALSE, g.provider_id, g.kind, NULL, NULL, u.value FROM (
    SELECT provider_id, kind, COUNT(*) AS activities,
           COALESCE(SUM(duration_minutes), 0) / 60.0 AS hours
    FROM activity GROUP BY provider_id, kind
) g CROSS JOIN LATERAL (VALUES ('P05', g.activities), ('P06', g.hours)) u(figure, value)
"""  # noqa: S608

# --- clients ------------------------------------------------------------------------------------

# The provider serving a municipality on 31.12. (the earliest area in force that day); for
# rows counted per municipality only a municipality of the Kreis has one.
_AREA = """
    SELECT DISTINCT ON (pa.municipality_id) pa.municipality_id, pa.provider_id, m.landkreis_id
    FROM organisation_providerarea pa
    JOIN organisation_municipality m ON m.id = pa.municipality_id
    WHERE pa.valid_from <= %(end)s AND (pa.valid_until IS NULL OR pa.valid_until >= %(end)s)
    ORDER BY pa.municipality_id, pa.valid_from, pa.id
"""
# The case status at the end of a day: its latest dated change by then, else today's closing.
_STATUS_AT_END_OF = """
    LEFT JOIN LATERAL (
        SELECT c.status, c.valid_from, c.reason FROM clients_casestatuschange c
        WHERE c.client_id = cl.id AND c.valid_from {op} %({day})s
        ORDER BY c.valid_from DESC, c.id DESC LIMIT 1) {alias} ON TRUE
"""
# In the target group with a window that started by 31.12. and reaches ``reaching`` (31.12. or
# 01.01.), as known on 31.12.: assigned to AU with the stored window (an extension approved
# after 31.12. not yet counted), or § 24 (as recorded on 31.12.) without an assignment, with the
# window from case opening (four years with an extension approved by 31.12.).
_WINDOW_REACHES = """(
    (cl.assignment_date IS NOT NULL AND cl.window_start <= %(end)s
     AND cl.window_end >= %({day})s
     AND (NOT COALESCE(ext.approved_late, FALSE) OR cl.window_start >= %(reaching_{day})s))
    OR (cl.assignment_date IS NULL AND cl.opened_on <= %(end)s
        AND COALESCE(rec.residence_status, cl.residence_status) = 'paragraph24'
        AND (cl.opened_on >= %(reaching_{day})s
             OR (COALESCE(ext.approved_by_end, FALSE)
                 AND cl.opened_on >= %(reaching_{day}_ext)s)))
)"""
# Not closed at the end of 30.12. (a closing on 31.12. still counts) / of the year before, or
# reopened during the year.
_OPEN_AT_END = """
    COALESCE(before_end.status, CASE WHEN cl.closed_on < %(end)s THEN 'closed' END, 'open')
      <> 'closed'
"""
_OPEN_AT_START_OR_REOPENED = """(
    COALESCE(before_start.status, CASE WHEN cl.closed_on < %(start)s THEN 'closed' END, 'open')
      <> 'closed'
    OR EXISTS (SELECT 1 FROM clients_casestatuschange c WHERE c.client_id = cl.id
               AND c.status = 'open' AND c.valid_from BETWEEN %(start)s AND %(end)s)
)"""
_ON_31_DECEMBER = f"{_WINDOW_REACHES.format(day='end')} AND {_OPEN_AT_END}"
_DURING_YEAR = f"{_WINDOW_REACHES.format(day='start')} AND {_OPEN_AT_START_OR_REOPENED}"
# Versions in force during the year: agreed by 31.12., not replaced before 01.01.
_IN_FORCE = """
    SELECT v.id, v.plan_id FROM plans_planversion v
    WHERE v.agreed_on <= %(end)s
      AND NOT EXISTS (SELECT 1 FROM plans_planversion later WHERE later.plan_id = v.plan_id
                      AND later.number > v.number AND later.agreed_on < %(start)s)
"""

CLIENTS = f"""
WITH area AS ({_AREA}),
person AS MATERIALIZED (
    SELECT cl.id, cl.sex, cl.nationality, cl.arrival_kind,
           COALESCE(rec.residence_status, cl.residence_status) AS residence_status,
           COALESCE(rec.household_id, cl.household_id) AS household_id,
           x.municipality_id,
           CASE WHEN a.landkreis_id = %(kreis)s THEN a.provider_id END AS provider_id,
           a.provider_id AS provider_of_municipality,
           CASE WHEN cl.birth_date > %(born_18)s THEN '0-17'
                WHEN cl.birth_date > %(born_27)s THEN '18-26'
                WHEN cl.birth_date > %(born_65)s THEN '27-64' ELSE '65+' END AS age_group,
           COALESCE(({_ON_31_DECEMBER}), FALSE) AS on_31_december,
           COALESCE(({_DURING_YEAR}), FALSE) AS during_year,
           COALESCE(at_end.status, CASE WHEN cl.closed_on <= %(end)s THEN 'closed' END, 'open')
             = 'closed'
             AND COALESCE(at_end.valid_from, cl.closed_on) BETWEEN %(start)s AND %(end)s
             AS closed_in_year,
           COALESCE(at_end.reason, cl.closed_reason) AS closed_reason
    FROM clients_client cl
    -- the municipality on 31.12.: the one left with the first move after it, if any
    CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT m.from_municipality_id FROM clients_move m
                         WHERE m.client_id = cl.id AND m.moved_on > %(end)s
                         ORDER BY m.moved_on, m.id LIMIT 1), cl.municipality_id)
               AS municipality_id) x
    LEFT JOIN area a ON a.municipality_id = x.municipality_id
    -- residence status and household as recorded by the end of 31.12.
    LEFT JOIN LATERAL (
        SELECT h.residence_status, h.household_id FROM clients_historicalclient h
        WHERE h.id = cl.id AND (h.history_date < %(end_at)s OR h.history_type = '+')
        ORDER BY h.history_date DESC, h.history_id DESC LIMIT 1) rec ON TRUE
    LEFT JOIN LATERAL (
        SELECT bool_or(e.decided_at >= %(end_at)s) AS approved_late,
               bool_or(e.decided_at < %(end_at)s) AS approved_by_end
        FROM clients_windowextension e
        WHERE e.client_id = cl.id AND e.decision = 'approved') ext ON TRUE
    {_STATUS_AT_END_OF.format(op="<", day="end", alias="before_end")}
    {_STATUS_AT_END_OF.format(op="<", day="start", alias="before_start")}
    {_STATUS_AT_END_OF.format(op="<=", day="end", alias="at_end")}
    WHERE cl.landkreis_id = %(kreis)s
),
shared AS (
    SELECT household_id FROM person WHERE on_31_december AND household_id IS NOT NULL
    GROUP BY household_id HAVING COUNT(*) >= 2
),
in_force AS MATERIALIZED ({_IN_FORCE}),
plan_parts AS (
    SELECT pl.client_id, bool_or(g.part = 'A') AS part_a, bool_or(g.part = 'B') AS part_b
    FROM in_force v JOIN plans_plan pl ON pl.id = v.plan_id
    JOIN plans_goal g ON g.version_id = v.id
    GROUP BY pl.client_id
),
goal AS (
    SELECT p.provider_id, g.part, g.field_id,
           COALESCE((SELECT h.status FROM plans_goalstatuschange h
                     WHERE h.goal_id = g.id AND h.valid_from <= %(end)s
                     ORDER BY h.valid_from DESC, h.id DESC LIMIT 1), g.status) AS status
    FROM plans_goal g
    JOIN in_force v ON v.id = g.version_id
    JOIN plans_plan pl ON pl.id = v.plan_id
    JOIN person p ON p.id = pl.client_id AND p.during_year
    WHERE NOT EXISTS (SELECT 1 FROM plans_goal copy
                      JOIN plans_planversion cv ON cv.id = copy.version_id
                      WHERE copy.carried_from_id = g.id AND cv.agreed_on <= %(end)s)
),
rating AS (
    SELECT p.provider_id, pl.client_id, r.field_id, r.rating, r.rated_on,
           first_value(r.rating) OVER (PARTITION BY v.plan_id, r.field_id
                                       ORDER BY r.rated_on, r.id) AS first_rating,
           row_number() OVER (PARTITION BY v.plan_id, r.field_id
                              ORDER BY r.rated_on DESC, r.id DESC) AS from_last
    FROM plans_independencerating r
    JOIN plans_planversion v ON v.id = r.version_id
    JOIN plans_plan pl ON pl.id = v.plan_id
    JOIN person p ON p.id = pl.client_id
    WHERE r.rated_on <= %(end)s
),
progress AS (
    SELECT provider_id, client_id, field_id FROM rating
    WHERE from_last = 1 AND rated_on >= %(start)s AND rating > first_rating
)
SELECT u.figure, FALSE, g.provider_id, NULL, NULL, NULL, NULLIF(u.value, 0) FROM (
    SELECT p.provider_id,
           COUNT(*) FILTER (WHERE on_31_december) AS z01,
           COUNT(*) FILTER (WHERE during_year) AS z02,
           COUNT(*) FILTER (WHERE on_31_december AND (household_id IS NULL
                            OR household_id NOT IN (SELECT household_id FROM shared))) AS z08,
           COUNT(*) FILTER (WHERE during_year AND pp.part_a) AS i01,
           COUNT(*) FILTER (WHERE during_year AND pp.part_b) AS i02
    FROM person p LEFT JOIN plan_parts pp ON pp.client_id = p.id
    GROUP BY p.provider_id
) g CROSS JOIN LATERAL (VALUES ('Z01', g.z01), ('Z02', g.z02), ('Z08', g.z08),
                                ('I01', g.i01), ('I02', g.i02)) u(figure, value)
UNION ALL
SELECT u.figure, FALSE, g.provider_id, g.municipality_id::text, NULL, NULL, NULLIF(u.value, 0)
FROM (SELECT provider_id, municipality_id,
             COUNT(*) FILTER (WHERE on_31_december) AS z03,
             COUNT(*) FILTER (WHERE during_year) AS z04
      FROM person GROUP BY provider_id, municipality_id
) g CROSS JOIN LATERAL (VALUES ('Z03', g.z03), ('Z04', g.z04)) u(figure, value)
UNION ALL
SELECT 'Z07', GROUPING(provider_of_municipality) = 1, provider_of_municipality,
       NULL, NULL, NULL, COUNT(DISTINCT household_id)
FROM person WHERE on_31_december AND household_id IN (SELECT household_id FROM shared)
GROUP BY GROUPING SETS ((provider_of_municipality), ())
UNION ALL
SELECT 'M01', FALSE, provider_id, sex, NULL, NULL, COUNT(*)
FROM person WHERE on_31_december GROUP BY provider_id, sex
UNION ALL
SELECT 'M02', FALSE, provider_id, age_group, NULL, NULL, COUNT(*)
FROM person WHERE on_31_december GROUP BY provider_id, age_group
UNION ALL
SELECT 'M03', FALSE, provider_id, nationality, NULL, NULL, COUNT(*)
FROM person WHERE on_31_december GROUP BY provider_id, nationality
UNION ALL
SELECT 'M04', FALSE, provider_id, residence_status, NULL, NULL, COUNT(*)
FROM person WHERE on_31_december GROUP BY provider_id, residence_status
UNION ALL
SELECT 'M05', FALSE, provider_id, arrival_kind, NULL, NULL, COUNT(*)
FROM person WHERE on_31_december GROUP BY provider_id, arrival_kind
UNION ALL
SELECT 'V04', FALSE, provider_id, closed_reason, NULL, NULL, COUNT(*)
FROM person WHERE closed_in_year GROUP BY provider_id, closed_reason
UNION ALL
SELECT CASE WHEN v.number = 1 THEN 'I03' ELSE 'I04' END, FALSE, p.provider_id,
       NULL, NULL, NULL, COUNT(*)
FROM plans_planversion v JOIN plans_plan pl ON pl.id = v.plan_id
JOIN person p ON p.id = pl.client_id
WHERE v.agreed_on BETWEEN %(start)s AND %(end)s
GROUP BY 1, p.provider_id
UNION ALL
SELECT 'I05', FALSE, provider_id, part, field_id::text, status, COUNT(*)
FROM goal GROUP BY provider_id, part, field_id, status
UNION ALL
SELECT 'I06', FALSE, p.provider_id, g.field_id::text, NULL, NULL, COUNT(*)
FROM plans_goal g JOIN plans_planversion v ON v.id = g.version_id
JOIN plans_plan pl ON pl.id = v.plan_id JOIN person p ON p.id = pl.client_id
WHERE EXISTS (SELECT 1 FROM plans_evaluation e WHERE e.goal_id = g.id AND e.result = 'erreicht'
              AND e.evaluated_on BETWEEN %(start)s AND %(end)s)
GROUP BY p.provider_id, g.field_id
UNION ALL
SELECT 'I07', FALSE, provider_id, field_id::text, NULL, NULL, COUNT(DISTINCT client_id)
FROM progress GROUP BY provider_id, field_id
UNION ALL
SELECT 'I08', FALSE, provider_id, NULL, NULL, NULL, COUNT(DISTINCT client_id)
FROM progress GROUP BY provider_id
UNION ALL
SELECT u.figure, FALSE, g.provider_id, NULL, NULL, NULL, NULLIF(u.value, 0) FROM (
    SELECT p.provider_id,
           COUNT(*) FILTER (WHERE e.requested_at >= %(start_at)s
                            AND e.requested_at < %(end_at)s) AS requested,
           COUNT(*) FILTER (WHERE e.decision = 'approved' AND e.decided_at >= %(start_at)s
                            AND e.decided_at < %(end_at)s) AS approved,
           COUNT(*) FILTER (WHERE e.decision = 'refused' AND e.decided_at >= %(start_at)s
                            AND e.decided_at < %(end_at)s) AS refused
    FROM clients_windowextension e JOIN person p ON p.id = e.client_id
    GROUP BY p.provider_id
) g CROSS JOIN LATERAL (VALUES ('V01', g.requested), ('V02', g.approved),
                                ('V03', g.refused)) u(figure, value)
"""  # noqa: S608

# --- contacts -----------------------------------------------------------------------------------

_YEAR_OF_KREIS = f"""
    co.date BETWEEN %(start)s AND %(end)s AND co.withdrawn_at IS NULL
    AND co.provider_id IN {_KREIS_PROVIDERS}
"""
# A referral's follow-up as it stood on 31.12.: its latest recorded state dated by then.
_REFERRAL_STATUS = """
    COALESCE((SELECT h.status FROM clients_historicalreferral h
              WHERE h.id = r.id AND (h.status_changed_on IS NULL OR h.status_changed_on <= %(end)s)
              ORDER BY h.status_changed_on DESC NULLS LAST, h.history_date DESC,
                       h.history_id DESC LIMIT 1),
             CASE WHEN r.status_changed_on IS NULL OR r.status_changed_on <= %(end)s
                  THEN r.status ELSE 'vermittelt' END)
"""

CONTACTS = f"""
WITH participation AS MATERIALIZED (
    SELECT co.id AS consultation_id, co.provider_id, p.client_id
    FROM clients_consultationparticipant p
    JOIN clients_consultation co ON co.id = p.consultation_id
    WHERE p.funded AND {_YEAR_OF_KREIS}
),
contact AS MATERIALIZED (
    SELECT co.id, co.provider_id, co.kind, co.setting FROM clients_consultation co
    WHERE {_YEAR_OF_KREIS}
      AND EXISTS (SELECT 1 FROM clients_consultationparticipant p
                  WHERE p.consultation_id = co.id AND p.funded)
)
SELECT 'K02', FALSE, provider_id, NULL, NULL, NULL, COUNT(*)
FROM participation GROUP BY provider_id
UNION ALL
-- persons counselled: the (provider, person) pairs first (a hash), then counted both ways
SELECT 'Z05', GROUPING(provider_id) = 1, provider_id, NULL, NULL, NULL, COUNT(DISTINCT client_id)
FROM (SELECT DISTINCT provider_id, client_id FROM participation) pairs
GROUP BY GROUPING SETS ((provider_id), ())
UNION ALL
SELECT u.figure, FALSE, g.provider_id, NULL, NULL, NULL, NULLIF(u.value, 0) FROM (
    SELECT provider_id, COUNT(*) AS contacts,
           COUNT(*) FILTER (WHERE kind = 'sondierung') AS exploratory
    FROM contact GROUP BY provider_id
) g CROSS JOIN LATERAL (VALUES ('K01', g.contacts), ('Z06', g.exploratory)) u(figure, value)
UNION ALL
SELECT 'K03', FALSE, provider_id, kind, NULL, NULL, COUNT(*)
FROM contact GROUP BY provider_id, kind
UNION ALL
SELECT 'K04', FALSE, provider_id, setting, NULL, NULL, COUNT(*)
FROM contact GROUP BY provider_id, setting
UNION ALL
SELECT 'K05', FALSE, c.provider_id, t.topic_id::text, NULL, NULL, COUNT(*)
FROM clients_consultation_topics t JOIN contact c ON c.id = t.consultation_id
GROUP BY c.provider_id, t.topic_id
UNION ALL
SELECT u.figure, FALSE, g.provider_id, g.service_id::text, NULL, NULL, NULLIF(u.value, 0) FROM (
    SELECT c.provider_id, r.service_id, COUNT(*) AS referrals,
           COUNT(*) FILTER (WHERE {_REFERRAL_STATUS} = 'wahrgenommen') AS attended
    FROM clients_referral r JOIN contact c ON c.id = r.consultation_id
    GROUP BY c.provider_id, r.service_id
) g CROSS JOIN LATERAL (VALUES ('K06', g.referrals), ('K07', g.attended)) u(figure, value)
"""  # noqa: S608

# --- outcomes -----------------------------------------------------------------------------------

OUTCOMES = f"""
WITH outcome AS MATERIALIZED (
    SELECT o.client_id, o.provider_id, o.kind_id, o.certificate_level, o.certificate_on,
           o.started_on, k.counts_as_work_or_training AS work_or_training,
           k.counts_as_own_tenancy AS own_tenancy, k.category
    FROM clients_outcomeevent o LEFT JOIN clients_outcomekind k ON k.id = o.kind_id
    WHERE o.withdrawn_at IS NULL AND o.provider_id IN {_KREIS_PROVIDERS}
),
certificate AS (
    SELECT client_id, provider_id, certificate_level,
           max(certificate_level) OVER (PARTITION BY client_id) AS highest
    FROM outcome
    WHERE certificate_on BETWEEN %(start)s AND %(end)s AND certificate_level > ''
),
started AS (
    SELECT * FROM outcome WHERE started_on BETWEEN %(start)s AND %(end)s
)
SELECT 'W01', GROUPING(provider_id) = 1, provider_id, certificate_level, NULL, NULL,
       COUNT(DISTINCT client_id)
FROM certificate WHERE certificate_level = highest
GROUP BY GROUPING SETS ((provider_id, certificate_level), (certificate_level))
UNION ALL
SELECT u.figure, g.kreis, g.provider_id, NULL, NULL, NULL,
       CASE WHEN g.kreis THEN u.value ELSE NULLIF(u.value, 0) END FROM (
    SELECT GROUPING(provider_id) = 1 AS kreis, provider_id,
           COUNT(DISTINCT client_id) FILTER (WHERE work_or_training) AS work,
           COUNT(DISTINCT client_id) FILTER (WHERE own_tenancy) AS tenancy,
           COUNT(DISTINCT client_id) FILTER (WHERE category = 'leistungen') AS benefits
    FROM started GROUP BY GROUPING SETS ((provider_id), ())
) g CROSS JOIN LATERAL (VALUES ('W02', g.work), ('W04', g.tenancy),
                                ('W05', g.benefits)) u(figure, value)
UNION ALL
SELECT 'W03', GROUPING(provider_id) = 1, provider_id, kind_id::text, NULL, NULL,
       COUNT(DISTINCT client_id)
FROM started WHERE work_or_training
GROUP BY GROUPING SETS ((provider_id, kind_id), (kind_id))
"""  # noqa: S608

STATEMENTS = {
    "Personal und Netzwerkarbeit": STAFF_NETWORK,
    "Klient:innen": CLIENTS,
    "Kontakte": CONTACTS,
    "Wirkung": OUTCOMES,
}


def sql_results(params: dict) -> dict[str, list[tuple]]:
    """Figure ID → rows ``(provider, *keys, value)``, plus ``(*keys, value)`` for the Kreis
    column of a figure that does not add up (as ``devtools.bench.reporting.orm_results``)."""
    found: dict[str, list[tuple]] = {figure: [] for figure in KEYS}
    with connection.cursor() as cursor:
        for statement in STATEMENTS.values():
            cursor.execute(statement, params)
            for figure, kreis, provider, k0, k1, k2, value in cursor.fetchall():
                if value is None:
                    continue
                keys = (k0, k1, k2)[: KEYS[figure]]
                found[figure].append((*keys, value) if kreis else (provider, *keys, value))
    return found
