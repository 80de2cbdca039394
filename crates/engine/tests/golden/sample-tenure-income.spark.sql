-- Segscope segments: Tenure and income (overlapping, as of 2026-01-01), Spark SQL.
-- Expects the tables' columns typed as Segscope read them (amounts as DECIMAL), NULL where values are missing.
WITH segscope_derived AS (
  SELECT
    *,
    CAST((24313 - (EXTRACT(YEAR FROM `signup_date`) * 12 + EXTRACT(MONTH FROM `signup_date`)) - CASE WHEN EXTRACT(DAY FROM `signup_date`) > 1 THEN 1 ELSE 0 END) AS BIGINT) AS `tenure_months`,
    CASE WHEN `income` IS NULL THEN NULL WHEN `income` < 25000 THEN 'under 25000' WHEN `income` < 50000 THEN '25000 to under 50000' WHEN `income` < 100000 THEN '50000 to under 100000' ELSE '100000 and over' END AS `income_band`
  FROM `my_project`.`crm`.`customers`
)
SELECT
  *,
  COALESCE(`tenure_months` >= 60, FALSE) AS `Loyal (5+ years)`,
  COALESCE(`tenure_months` < 12, FALSE) AS `First year`,
  COALESCE(`income_band` IN ('50000 to under 100000', '100000 and over'), FALSE) AS `High income`
FROM segscope_derived;
