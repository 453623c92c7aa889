-- params: ["00000000-0000-4000-8000-00000000000a",{"allergies":["tree_nuts"],"ruleAllergens":[],"excludeAllergens":["almond","tree_nuts"],"requireTags":["vegetarian"],"excludeTags":[],"perMealLimits":{"sodium_mg":766.667,"sugar_g":8.333},"ordering":"heart"},"snacks",200]

SELECT p.id, p.external_id, p.name, p.brand, p.category, p.price_cents, p.currency, p.dietary_tags,
p.allergens, p.calories, p.protein_g, p.fat_g, p.carbs_g, p.sugar_g, p.fiber_g, p.sodium_mg, p.potassium_mg, p.saturated_fat_g, p.serving_size_g FROM catalogue_products p
      WHERE p.vendor_id = $1
 AND ($2::text IS NULL OR p.category = $2)
 AND NOT (p.allergens && $3::text[])
 AND p.dietary_tags @> $4::text[]
 AND NOT (p.dietary_tags && $5::text[])
 AND p.sodium_mg <= $6::real
 AND p.sugar_g <= $7::real
      ORDER BY (coalesce(p.saturated_fat_g, 100) * 100 + coalesce(p.sodium_mg, 10000) / 10), p.id
      LIMIT $8;
