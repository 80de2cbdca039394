-- Segscope segments: Derived fields of aggregates and of derived fields (overlapping, as of 2026-01-01), BigQuery Standard SQL.
-- Expects the tables' columns typed as Segscope read them (amounts as DECIMAL), NULL where values are missing.
WITH segscope_orders AS (
  SELECT
    CAST(`customer_id` AS STRING) AS segscope_key,
    COUNT(DISTINCT CASE WHEN `amount` > 0 THEN `order_id` END) AS orders,
    SUM(`amount`) AS revenue,
    MIN(CASE WHEN `amount` > 0 THEN CAST(`order_date` AS DATE) END) AS first_order_date,
    MAX(CASE WHEN `amount` > 0 THEN CAST(`order_date` AS DATE) END) AS last_order_date,
    SUM(CASE WHEN `amount` < 0 THEN 1 ELSE 0 END) AS returns,
    SUM(CASE WHEN `amount` > 0 THEN `amount` ELSE 0 END) AS segscope_gross,
    STRING_AGG(DISTINCT `category`, '; ' ORDER BY `category`) AS categories_bought
  FROM `my_project`.`crm`.`orders`
  WHERE `customer_id` IS NOT NULL AND `order_date` IS NOT NULL AND `amount` IS NOT NULL
  GROUP BY `customer_id`
),
segscope_customers AS (
  SELECT
    c.*,
    COALESCE(o.orders, 0) AS orders,
    COALESCE(o.revenue, 0) AS revenue,
    o.first_order_date,
    o.last_order_date,
    CASE WHEN o.orders >= 2 THEN DATE_DIFF(o.last_order_date, o.first_order_date, DAY) / (o.orders - 1.0) END AS days_between_orders,
    COALESCE(o.returns, 0) AS returns,
    o.categories_bought
  FROM `my_project`.`crm`.`customers` AS c
  LEFT JOIN segscope_orders AS o ON CAST(c.`customer_id` AS STRING) = o.segscope_key
),
segscope_derived AS (
  SELECT
    *,
    CAST((24313 - (EXTRACT(YEAR FROM `last_order_date`) * 12 + EXTRACT(MONTH FROM `last_order_date`)) - CASE WHEN EXTRACT(DAY FROM `last_order_date`) > 1 THEN 1 ELSE 0 END) AS INT64) AS `months_since_last_order`,
    DATE_DIFF(DATE '2026-01-01', `first_order_date`, DAY) AS `days_since_first_order`,
    CASE WHEN `revenue` IS NULL THEN NULL WHEN `revenue` < 0 THEN 'under 0' WHEN `revenue` < 500 THEN '0 to under 500' WHEN `revenue` < 2000 THEN '500 to under 2000' ELSE '2000 and over' END AS `revenue_band`
  FROM segscope_customers
),
segscope_derived_2 AS (
  SELECT
    *,
    CASE WHEN `months_since_last_order` IS NULL THEN NULL WHEN `months_since_last_order` < 1 THEN 'this month' WHEN `months_since_last_order` < 6 THEN 'this half-year' WHEN `months_since_last_order` < 12 THEN 'this year' ELSE 'older' END AS `recency_band`
  FROM segscope_derived
)
SELECT
  *,
  COALESCE(`recency_band` IN ('this month', 'this half-year'), FALSE) AS `Bought this half-year`,
  COALESCE(`recency_band` = 'older', FALSE) AS `Gone quiet`,
  COALESCE((`revenue_band` = '2000 and over' AND `days_since_first_order` >= 730), FALSE) AS `Big spenders of two years`,
  COALESCE(`months_since_last_order` IS NULL, FALSE) AS `Never bought`
FROM segscope_derived_2;
