-- params: ["0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f","page","203.0.113.9","Mozilla/5.0"]

WITH r AS (
  SELECT r.id, r.tier, r.status, r.stage, r.progress, r.revision, r.revisions_allowed, r.expires_at, r.generated_at,
         (r.is_expired OR r.revoked_at IS NOT NULL OR t.revoked_at IS NOT NULL OR r.expires_at <= now()) AS gone,
         r.revoked_reason,
         s.profile->>'first_name' AS first_name
    FROM report_access_tokens t
    JOIN reports r ON r.id = t.report_id
    LEFT JOIN calculator_answers s ON s.id = r.session_id -- none once the buyer's data is erased
   WHERE t.token_hash = $1
), l AS (
  INSERT INTO report_access_log (report_id, kind, ip, user_agent, success, status)
  SELECT id, $2, $3::inet, $4, NOT gone, CASE WHEN gone THEN 410 ELSE 200 END FROM r
   WHERE r.revoked_reason IS DISTINCT FROM 'deleted' -- an erased person is not logged again
)
SELECT * FROM r;
