-- params: []

INSERT INTO skipped (line_no, id, external_id)
SELECT line_no, uuid_generate_v5('00000000-0000-4000-8000-00000000000a'::uuid, f_external_id), f_external_id FROM stage WHERE unchanged AND line_no % 2 = 0;
