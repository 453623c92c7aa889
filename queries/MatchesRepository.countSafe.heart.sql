-- params: ["00000000-0000-4000-8000-00000000000a",{"allergies":["tree_nuts"],"ruleAllergens":[],"excludeAllergens":["almond","tree_nuts"],"requireTags":["vegetarian"],"excludeTags":[],"perMealLimits":{"sodium_mg":766.667,"sugar_g":8.333},"ordering":"heart"},1000]

SELECT count(*)::int AS n FROM (SELECT 1 FROM catalogue_products p WHERE p.vendor_id = $1
AND ($2::text IS NULL OR p.category = $2)
AND NOT (p.allergens && $3::text[])
AND p.dietary_tags @> $4::text[]
AND NOT (p.dietary_tags && $5::text[])
AND p.sodium_mg <= $6::real
AND p.sugar_g <= $7::real LIMIT $8) s;
