-- params: ["$1 first line","$2 line after the batch"]

WITH src AS (SELECT * FROM typed WHERE line_no >= $1 AND line_no < $2),
changed AS (
  SELECT s.*, EXISTS (SELECT 1 FROM customers c WHERE c.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND c.id = s.id) AS existed FROM src s
   WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND c.id = s.id
                       AND (c.external_id, c.email) IS NOT DISTINCT FROM (s.external_id, s.email)) OR NOT EXISTS (SELECT 1 FROM customer_health h WHERE h.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND h.customer_id = s.id
                      AND (h.sex, h.birth_date, h.height_cm, h.weight_kg, h.activity_level, h.conditions) IS NOT DISTINCT FROM (s.sex, s.birth_date, s.height_cm, s.weight_kg, s.activity_level, s.conditions))),
ci AS (
  INSERT INTO customers AS c (vendor_id, id, external_id, email)
  SELECT '00000000-0000-4000-8000-00000000000a'::uuid, s.id, s.external_id, s.email FROM changed s
  ON CONFLICT (vendor_id, id) DO UPDATE SET external_id = EXCLUDED.external_id, email = EXCLUDED.email, updated_at = now()
   WHERE (c.external_id, c.email) IS DISTINCT FROM (EXCLUDED.external_id, EXCLUDED.email)
  RETURNING id),
hi AS (
  INSERT INTO customer_health AS h (vendor_id, customer_id, sex, birth_date, height_cm, weight_kg, activity_level, conditions, bmr, tdee_cached, derived_limits, derived_at, updated_at)
  SELECT '00000000-0000-4000-8000-00000000000a'::uuid, s.id, s.sex, s.birth_date, s.height_cm, s.weight_kg, s.activity_level, s.conditions, b.bmr, (b.bmr * activity_factor(s.activity_level))::real,
         l.derived_limits, now(), now()
    FROM changed s LEFT JOIN limits l ON l.conditions = s.conditions,
         LATERAL (SELECT mifflin_st_jeor(s.sex, s.weight_kg, s.height_cm, age_on(s.birth_date, NULL::smallint, current_date)) AS bmr) b
  ON CONFLICT (vendor_id, customer_id) DO UPDATE SET sex = EXCLUDED.sex, birth_date = EXCLUDED.birth_date, height_cm = EXCLUDED.height_cm, weight_kg = EXCLUDED.weight_kg, activity_level = EXCLUDED.activity_level, conditions = EXCLUDED.conditions,
     bmr = mifflin_st_jeor(EXCLUDED.sex, EXCLUDED.weight_kg, EXCLUDED.height_cm, age_on(EXCLUDED.birth_date, h.age, current_date)), tdee_cached = (mifflin_st_jeor(EXCLUDED.sex, EXCLUDED.weight_kg, EXCLUDED.height_cm, age_on(EXCLUDED.birth_date, h.age, current_date)) * activity_factor(EXCLUDED.activity_level))::real,
     derived_limits = EXCLUDED.derived_limits, derived_at = now(), updated_at = now()
   WHERE (h.sex, h.birth_date, h.height_cm, h.weight_kg, h.activity_level, h.conditions) IS DISTINCT FROM (EXCLUDED.sex, EXCLUDED.birth_date, EXCLUDED.height_cm, EXCLUDED.weight_kg, EXCLUDED.activity_level, EXCLUDED.conditions)
  RETURNING 1)
SELECT (SELECT count(*) FROM changed WHERE NOT existed)::int AS inserted,
       (SELECT count(*) FROM changed WHERE existed)::int AS updated, (SELECT count(*) FROM ci)::int AS identity,
       (SELECT count(*) FROM src)::int AS total, (SELECT count(*) FROM hi)::int AS health;
