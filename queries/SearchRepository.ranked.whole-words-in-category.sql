-- params: ["00000000-0000-4000-8000-00000000000a",["oat & milk:*"],{"category":"dairy"},{"limit":20,"candidates":500}]

WITH w AS (
    SELECT p.id, p.external_id, p.name, p.brand, p.category, p.price_cents, p.currency, p.calories, p.protein_g, p.fat_g, p.carbs_g, p.sugar_g, p.fiber_g, p.sodium_mg, p.potassium_mg, p.saturated_fat_g, p.serving_size_g, p.dietary_tags, p.allergens, p.in_stock, p.search_tsv, p.title_tsv FROM products p
     WHERE p.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND (p.title_tsv || allergen_lexemes(p.allergens)) @@ (SELECT to_tsquery('english', $8)) AND p.category = $6
     LIMIT $7),
  c AS (SELECT * FROM w WHERE true AND w.title_tsv @@ (SELECT to_tsquery('english', $1)) LIMIT $2),
  r AS (SELECT c.*, ts_rank(c.search_tsv, (SELECT to_tsquery('english', $1))) AS rank FROM c),
  hits AS (SELECT 0 AS tier, rank, id, external_id, name, brand, category, price_cents, currency, calories, protein_g, fat_g, carbs_g, sugar_g, fiber_g, sodium_mg, potassium_mg, saturated_fat_g,
serving_size_g, dietary_tags, allergens, in_stock FROM r
   WHERE $3::real IS NULL OR rank < $3::real OR (rank = $3::real AND id > $4::uuid)
   ORDER BY rank DESC, id
   LIMIT $5)
  SELECT hits.*, CASE WHEN (SELECT count(*) FROM c) < $2 THEN (SELECT count(*) FROM w) >= $7 OR numnode((SELECT to_tsquery('english', $8))) = 0
                 ELSE false END AS capped
    FROM (SELECT) one LEFT JOIN hits ON true
   ORDER BY hits.rank DESC, hits.id;

WITH w AS (
    SELECT p.id, p.external_id, p.name, p.brand, p.category, p.price_cents, p.currency, p.calories, p.protein_g, p.fat_g, p.carbs_g, p.sugar_g, p.fiber_g, p.sodium_mg, p.potassium_mg, p.saturated_fat_g, p.serving_size_g, p.dietary_tags, p.allergens, p.in_stock, p.search_tsv, p.title_tsv FROM products p
     WHERE p.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND (p.search_tsv || allergen_lexemes(p.allergens)) @@ (SELECT to_tsquery('english', $8)) AND p.category = $6
     LIMIT $7),
  c AS (SELECT * FROM w WHERE true AND w.search_tsv @@ (SELECT to_tsquery('english', $1)) AND NOT (w.title_tsv @@ (SELECT to_tsquery('english', $1))) LIMIT $2),
  r AS (SELECT c.*, ts_rank(c.search_tsv, (SELECT to_tsquery('english', $1))) AS rank FROM c),
  hits AS (SELECT 1 AS tier, rank, id, external_id, name, brand, category, price_cents, currency, calories, protein_g, fat_g, carbs_g, sugar_g, fiber_g, sodium_mg, potassium_mg, saturated_fat_g,
serving_size_g, dietary_tags, allergens, in_stock FROM r
   WHERE $3::real IS NULL OR rank < $3::real OR (rank = $3::real AND id > $4::uuid)
   ORDER BY rank DESC, id
   LIMIT $5)
  SELECT hits.*, CASE WHEN (SELECT count(*) FROM c) < $2 THEN (SELECT count(*) FROM w) >= $7 OR numnode((SELECT to_tsquery('english', $8))) = 0
                 ELSE false END AS capped
    FROM (SELECT) one LEFT JOIN hits ON true
   ORDER BY hits.rank DESC, hits.id;
