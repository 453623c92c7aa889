-- params: []

SET enable_hashjoin = off; SET enable_mergejoin = off;
WITH gone AS (
  DELETE FROM stage s USING products p
   WHERE p.vendor_id = '00000000-0000-4000-8000-00000000000a'::uuid AND p.id = uuid_generate_v5('00000000-0000-4000-8000-00000000000a'::uuid, s.f_external_id) AND p.source_digest = s.digest
     AND s.problem IS NULL AND s.line_no % 2 = 0
  RETURNING s.line_no, p.id, s.f_external_id AS external_id)
INSERT INTO skipped (line_no, id, external_id) SELECT line_no, id, external_id FROM gone;
