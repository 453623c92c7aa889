-- params: ["00000000-0000-4000-8000-00000000000a",{"category":"bars","inStock":true},{"limit":20}]

SELECT 0 AS tier, 0::real AS rank, p.id, p.external_id, p.name, p.brand, p.category, p.price_cents, p.currency, p.calories, p.protein_g, p.fat_g, p.carbs_g, p.sugar_g, p.fiber_g, p.sodium_mg, p.potassium_mg, p.saturated_fat_g, p.serving_size_g, p.dietary_tags, p.allergens, p.in_stock FROM products p
        WHERE p.vendor_id = $1 AND ($2::uuid IS NULL OR p.id > $2) AND ($3::text IS NULL OR p.category = $3)
AND ($4::text[] IS NULL OR p.dietary_tags @> $4)
AND ($5::text[] IS NULL OR NOT (p.allergens && $5))
AND ($6::boolean IS NULL OR p.in_stock = $6)
        ORDER BY p.id LIMIT $7;
