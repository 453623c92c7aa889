-- params: ["00000000-0000-4000-8000-00000000000a",["'pistachio':*"],{"excludeAllergens":["tree_nuts","nuts"],"indexedAllergens":["tree_nuts"]},{"limit":20,"candidates":500,"examine":0}]

WITH c AS (
    SELECT p.id, p.external_id, p.name, p.brand, p.category, p.price_cents, p.currency, p.calories, p.protein_g, p.fat_g, p.carbs_g, p.sugar_g, p.fiber_g, p.sodium_mg, p.potassium_mg, p.saturated_fat_g, p.serving_size_g, p.dietary_tags, p.allergens, p.in_stock, p.search_tsv FROM products p
     WHERE p.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND (p.title_tsv || allergen_lexemes(p.allergens)) @@ (SELECT CASE WHEN numnode(w) = 0 THEN w ELSE w && $7::tsquery END
        FROM to_tsquery('english', $1) w) AND NOT (p.allergens && $6::text[])
     LIMIT $2),
  r AS (SELECT c.*, ts_rank(c.search_tsv, (SELECT to_tsquery('english', $1))) AS rank FROM c)
  SELECT 0 AS tier, rank, id, external_id, name, brand, category, price_cents, currency, calories, protein_g, fat_g, carbs_g, sugar_g, fiber_g, sodium_mg, potassium_mg, saturated_fat_g,
serving_size_g, dietary_tags, allergens, in_stock FROM r
   WHERE $3::real IS NULL OR rank < $3::real OR (rank = $3::real AND id > $4::uuid)
   ORDER BY rank DESC, id
   LIMIT $5;

WITH c AS (
    SELECT p.id, p.external_id, p.name, p.brand, p.category, p.price_cents, p.currency, p.calories, p.protein_g, p.fat_g, p.carbs_g, p.sugar_g, p.fiber_g, p.sodium_mg, p.potassium_mg, p.saturated_fat_g, p.serving_size_g, p.dietary_tags, p.allergens, p.in_stock, p.search_tsv FROM products p
     WHERE p.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND (p.search_tsv || allergen_lexemes(p.allergens)) @@ (SELECT CASE WHEN numnode(w) = 0 THEN w ELSE w && $7::tsquery END
        FROM to_tsquery('english', $1) w) AND NOT (p.title_tsv @@ (SELECT to_tsquery('english', $1))) AND NOT (p.allergens && $6::text[])
     LIMIT $2),
  r AS (SELECT c.*, ts_rank(c.search_tsv, (SELECT to_tsquery('english', $1))) AS rank FROM c)
  SELECT 1 AS tier, rank, id, external_id, name, brand, category, price_cents, currency, calories, protein_g, fat_g, carbs_g, sugar_g, fiber_g, sodium_mg, potassium_mg, saturated_fat_g,
serving_size_g, dietary_tags, allergens, in_stock FROM r
   WHERE $3::real IS NULL OR rank < $3::real OR (rank = $3::real AND id > $4::uuid)
   ORDER BY rank DESC, id
   LIMIT $5;
