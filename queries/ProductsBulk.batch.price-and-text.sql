-- params: ["$1 first line","$2 line after the batch"]

WITH cand AS (SELECT s.*, c.existed FROM changed c JOIN typed s USING (line_no)
  WHERE c.line_no >= $1 AND c.line_no < $2 AND NOT c.same_text),
up AS (
  INSERT INTO products AS p (vendor_id, id, external_id, name, price_cents, calories, protein_g, serving_size_g, allergens, in_stock, source_digest)
  SELECT '00000000-0000-4000-8000-00000000000a'::uuid, c.id, c.external_id, c.name, c.price_cents, c.calories, c.protein_g, c.serving_size_g, c.allergens, c.in_stock, c.source_digest FROM cand c
  ON CONFLICT (vendor_id, id) DO UPDATE SET external_id = EXCLUDED.external_id, name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, calories = EXCLUDED.calories, protein_g = EXCLUDED.protein_g, serving_size_g = EXCLUDED.serving_size_g, allergens = EXCLUDED.allergens, in_stock = EXCLUDED.in_stock, source_digest = EXCLUDED.source_digest, updated_at = now()
   WHERE (p.external_id, p.name, p.price_cents, p.calories, p.protein_g, p.serving_size_g, p.allergens, p.in_stock) IS DISTINCT FROM (EXCLUDED.external_id, EXCLUDED.name, EXCLUDED.price_cents, EXCLUDED.calories, EXCLUDED.protein_g, EXCLUDED.serving_size_g, EXCLUDED.allergens, EXCLUDED.in_stock)
  RETURNING id)
SELECT count(*) FILTER (WHERE NOT c.existed)::int AS inserted, count(*) FILTER (WHERE c.existed)::int AS updated,
       ((SELECT count(*) FROM typed WHERE line_no >= $1 AND line_no < $2)
        + (SELECT count(*) FROM skipped WHERE line_no >= $1 AND line_no < $2))::int AS total
  FROM up JOIN cand c USING (id);

WITH done AS (
  UPDATE products p SET price_cents = c.price_cents, calories = c.calories, protein_g = c.protein_g, serving_size_g = c.serving_size_g, allergens = c.allergens, in_stock = c.in_stock, source_digest = c.source_digest, updated_at = now()
    FROM (SELECT s.*, c.existed FROM changed c JOIN typed s USING (line_no)
  WHERE c.line_no >= $1 AND c.line_no < $2 AND c.same_text) c
   WHERE p.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND p.id = c.id AND (p.price_cents, p.calories, p.protein_g, p.serving_size_g, p.allergens, p.in_stock) IS DISTINCT FROM (c.price_cents, c.calories, c.protein_g, c.serving_size_g, c.allergens, c.in_stock)
  RETURNING 1)
SELECT count(*)::int AS updated FROM done;
