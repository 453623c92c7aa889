-- params: ["(connection)","00000000-0000-4000-8000-00000000000a","00000000-0000-5000-8000-000000000001",{"sex":"female","birth_date":"1980-05-01","age":null,"height_cm":165,"weight_kg":70,"activity_level":"moderate","conditions":["hypertension"],"allergies":["peanuts"],"dietary_preferences":[],"goals":[],"notes":null}]

INSERT INTO customer_health AS h (vendor_id, customer_id, sex, birth_date, age, height_cm, weight_kg, activity_level, conditions, allergies, dietary_preferences, goals, notes, bmr, tdee_cached, derived_limits, derived_at, updated_at)
SELECT $1, $2, v.sex, v.birth_date, v.age, v.height_cm, v.weight_kg, v.activity_level, v.conditions, v.allergies, v.dietary_preferences, v.goals, v.notes,
       b.bmr, (b.bmr * activity_factor(v.activity_level))::real, derive_limits($1, v.conditions), now(), now()
  FROM (SELECT $3::text AS sex, $4::date AS birth_date, $5::smallint AS age, $6::real AS height_cm, $7::real AS weight_kg, $8::text AS activity_level, $9::text[] AS conditions, $10::text[] AS allergies, $11::text[] AS dietary_preferences, $12::text[] AS goals, $13::text AS notes) v,
       LATERAL (SELECT mifflin_st_jeor(v.sex, v.weight_kg, v.height_cm,
                                       age_on(v.birth_date, v.age, current_date)) AS bmr) b
ON CONFLICT (vendor_id, customer_id) DO UPDATE SET
  sex = EXCLUDED.sex, birth_date = EXCLUDED.birth_date, age = EXCLUDED.age, height_cm = EXCLUDED.height_cm, weight_kg = EXCLUDED.weight_kg, activity_level = EXCLUDED.activity_level, conditions = EXCLUDED.conditions, allergies = EXCLUDED.allergies, dietary_preferences = EXCLUDED.dietary_preferences, goals = EXCLUDED.goals, notes = EXCLUDED.notes, bmr = EXCLUDED.bmr, tdee_cached = EXCLUDED.tdee_cached, derived_limits = EXCLUDED.derived_limits, derived_at = EXCLUDED.derived_at, updated_at = EXCLUDED.updated_at
RETURNING h.customer_id, h.sex, to_char(h.birth_date, 'YYYY-MM-DD') AS birth_date, h.age, h.height_cm, h.weight_kg, h.activity_level, h.conditions, h.allergies, h.dietary_preferences, h.goals, h.notes, h.bmr, h.tdee_cached, h.derived_limits, h.derived_at, h.updated_at;
