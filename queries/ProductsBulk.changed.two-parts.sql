-- params: []

SET enable_hashjoin = off; SET enable_mergejoin = off;
INSERT INTO changed (line_no, existed, same_text)
SELECT s.line_no, x.id IS NOT NULL, x.id IS NOT NULL AND (x.name) IS NOT DISTINCT FROM (s.name) FROM typed s
  LEFT JOIN products x ON x.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND x.id = s.id AND x.id < '80000000-0000-0000-0000-000000000000'::uuid
 WHERE (x.id IS NULL OR (x.external_id, x.name, x.price_cents, x.calories, x.protein_g, x.serving_size_g, x.allergens, x.in_stock) IS DISTINCT FROM (s.external_id, s.name, s.price_cents, s.calories, s.protein_g, s.serving_size_g, s.allergens, s.in_stock)) AND s.id < '80000000-0000-0000-0000-000000000000'::uuid;
