-- params: ["(connection)","00000000-0000-4000-8000-00000000000a","00000000-0000-5000-8000-000000000001",null]

WITH customer AS (SELECT c.id FROM customers c WHERE c.vendor_id = $1 AND c.id = $2),
     audited AS (INSERT INTO audit_log (vendor_id, actor_id, actor_role, action, entity, entity_id, before, after, ip, user_agent)
SELECT $3, $4, $5, e.action, e.entity, e.entity_id, e.before, e.after, $6, $7
  FROM jsonb_to_recordset($8::jsonb)
    AS e(action text, entity text, entity_id text, before jsonb, after jsonb), customer)
SELECT EXISTS (SELECT FROM customer) AS customer_found, h.customer_id, h.sex, to_char(h.birth_date, 'YYYY-MM-DD') AS birth_date, h.age, h.height_cm, h.weight_kg, h.activity_level, h.conditions, h.allergies, h.dietary_preferences, h.goals, h.notes, h.bmr, h.tdee_cached, h.derived_limits, h.derived_at, h.updated_at
  FROM (SELECT) one
  LEFT JOIN customer_health h ON h.vendor_id = $1 AND h.customer_id = $2;
