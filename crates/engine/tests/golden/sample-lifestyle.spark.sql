-- Segscope segments: Life stage and engagement (first match, as of 2026-01-01), Spark SQL.
-- Expects the tables' columns typed as Segscope read them (amounts as DECIMAL), NULL where values are missing.
SELECT
  *,
  CASE
    WHEN (`signup_date` >= DATE '2025-07-01' AND `signup_date` < DATE '2026-01-01') THEN 'New this half-year'
    WHEN ((`age` >= 18 AND `age` <= 34) AND `urbanicity` = 'Urban') THEN 'Young urban'
    WHEN (`life_stage` = 'Family with children' OR (`life_stage` = 'Couple' AND `income` >= 75000)) THEN 'Families & "affluent" couples'
    WHEN ((CASE WHEN `email_opt_in` = TRUE THEN 1 ELSE 0 END + CASE WHEN `app_sessions_90d` >= 20 THEN 1 ELSE 0 END + CASE WHEN `web_visits_90d` >= 20 THEN 1 ELSE 0 END) >= 2) THEN 'Engaged ✓ (2 of 3)'
    WHEN (`life_stage` = 'Retired' AND NOT (LOWER(`urbanicity`) = 'rural')) THEN 'Retired, not rural'
    ELSE 'Everyone else'
  END AS `segment`
FROM `my_project`.`crm`.`customers`;
