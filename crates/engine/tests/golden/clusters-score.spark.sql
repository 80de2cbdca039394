-- Segscope clusters: k-means, k = 3, on age, income (ln(1 + x)), email_opt_in, gender (one column per category), revenue (score 1-5), last_order_date (days before the as-of date, score 1-5), Spark SQL.
-- `cluster` is the name of the nearest cluster centre (squared Euclidean distance on the prepared features, the first cluster on a tie); a missing value is filled as when fitted (the median, or the most common category); ln(1 + x) of a value at or below -1 gives NULL.
-- Dates count whole days back from the as-of date 2025-12-01 (a date-time by its date).
-- A score is 1 plus the cut points the value lies above (fitted as pandas.qcut's bin edges); a date's score counts the cut points its days lie below, so a later date scores higher.
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
    NULLIF(array_join(array_sort(collect_set(`category`)), '; '), '') AS categories_bought
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
    CASE WHEN o.orders >= 2 THEN DATEDIFF(o.last_order_date, o.first_order_date) / (o.orders - 1.0) END AS days_between_orders,
    COALESCE(o.returns, 0) AS returns,
    o.categories_bought
  FROM `my_project`.`crm`.`customers` AS c
  LEFT JOIN segscope_orders AS o ON CAST(c.`customer_id` AS STRING) = o.segscope_key
)
SELECT
  c.*,
  CASE
    WHEN d.segscope_d1 IS NULL THEN NULL
    WHEN d.segscope_d1 <= d.segscope_d2 AND d.segscope_d1 <= d.segscope_d3 THEN 'Young app lovers'
    WHEN d.segscope_d2 <= d.segscope_d3 THEN 'Big spenders'
    ELSE 'Lapsed'
  END AS `cluster`
FROM segscope_customers AS c
CROSS JOIN LATERAL (
  SELECT
    (COALESCE(CAST(c.`age` AS DOUBLE), 4.1e1) - 4.209e1) / 1.425e1 AS segscope_p1,
    (CASE WHEN COALESCE(CAST(c.`income` AS DOUBLE), 3.82e4) > -1 THEN LN(1 + COALESCE(CAST(c.`income` AS DOUBLE), 3.82e4)) END - 1.06e1) / 6.1e-1 AS segscope_p2,
    (COALESCE(CAST(CASE WHEN c.`email_opt_in` THEN 1 WHEN NOT c.`email_opt_in` THEN 0 END AS DOUBLE), 1e0) - 5.09e-1) / 4.999e-1 AS segscope_p3,
    CAST(CASE WHEN c.`gender` IS NULL THEN 5e-1 WHEN c.`gender` = 'Female' THEN 5e-1 ELSE 0 END AS DOUBLE) AS segscope_p4,
    CAST(CASE WHEN c.`gender` IS NULL THEN 0e0 WHEN c.`gender` = 'Male' THEN 5e-1 ELSE 0 END AS DOUBLE) AS segscope_p5,
    CAST(CASE WHEN c.`gender` IS NULL THEN 0e0 WHEN c.`gender` = 'Non-binary' THEN 5e-1 ELSE 0 END AS DOUBLE) AS segscope_p6,
    (CAST(CASE WHEN COALESCE(CAST(c.`revenue` AS DOUBLE), 4.125e2) > 1.2152e2 THEN 5 WHEN COALESCE(CAST(c.`revenue` AS DOUBLE), 4.125e2) > 5.507e1 THEN 4 WHEN COALESCE(CAST(c.`revenue` AS DOUBLE), 4.125e2) > 2.9204e1 THEN 3 WHEN COALESCE(CAST(c.`revenue` AS DOUBLE), 4.125e2) > 1.496e1 THEN 2 WHEN COALESCE(CAST(c.`revenue` AS DOUBLE), 4.125e2) IS NOT NULL THEN 1 END AS DOUBLE) - 3e0) / 1.4142135623730951e0 AS segscope_p7,
    (CAST(CASE WHEN COALESCE(CAST(DATEDIFF(DATE '2025-12-01', CAST(c.`last_order_date` AS DATE)) AS DOUBLE), 6.1e1) < 7e0 THEN 5 WHEN COALESCE(CAST(DATEDIFF(DATE '2025-12-01', CAST(c.`last_order_date` AS DATE)) AS DOUBLE), 6.1e1) < 3e1 THEN 4 WHEN COALESCE(CAST(DATEDIFF(DATE '2025-12-01', CAST(c.`last_order_date` AS DATE)) AS DOUBLE), 6.1e1) < 9e1 THEN 3 WHEN COALESCE(CAST(DATEDIFF(DATE '2025-12-01', CAST(c.`last_order_date` AS DATE)) AS DOUBLE), 6.1e1) < 1.8e2 THEN 2 WHEN COALESCE(CAST(DATEDIFF(DATE '2025-12-01', CAST(c.`last_order_date` AS DATE)) AS DOUBLE), 6.1e1) IS NOT NULL THEN 1 END AS DOUBLE) - 3e0) / 1.4142135623730951e0 AS segscope_p8
) AS p
CROSS JOIN LATERAL (
  SELECT
    (p.segscope_p1 - (-9e-1)) * (p.segscope_p1 - (-9e-1))
      + (p.segscope_p2 - 2e-1) * (p.segscope_p2 - 2e-1)
      + (p.segscope_p3 - 1e-1) * (p.segscope_p3 - 1e-1)
      + (p.segscope_p4 - 3e-1) * (p.segscope_p4 - 3e-1)
      + (p.segscope_p5 - 1.5e-1) * (p.segscope_p5 - 1.5e-1)
      + (p.segscope_p6 - 5e-2) * (p.segscope_p6 - 5e-2)
      + (p.segscope_p7 - 4e-1) * (p.segscope_p7 - 4e-1)
      + (p.segscope_p8 - 2e-2) * (p.segscope_p8 - 2e-2)
    AS segscope_d1,
    (p.segscope_p1 - 3e-1) * (p.segscope_p1 - 3e-1)
      + (p.segscope_p2 - 1.1e0) * (p.segscope_p2 - 1.1e0)
      + (p.segscope_p3 - (-2e-1)) * (p.segscope_p3 - (-2e-1))
      + (p.segscope_p4 - 2.5e-1) * (p.segscope_p4 - 2.5e-1)
      + (p.segscope_p5 - 2.5e-1) * (p.segscope_p5 - 2.5e-1)
      + (p.segscope_p6 - 0e0) * (p.segscope_p6 - 0e0)
      + (p.segscope_p7 - 1.2e0) * (p.segscope_p7 - 1.2e0)
      + (p.segscope_p8 - 1e-2) * (p.segscope_p8 - 1e-2)
    AS segscope_d2,
    (p.segscope_p1 - 8e-1) * (p.segscope_p1 - 8e-1)
      + (p.segscope_p2 - (-4e-1)) * (p.segscope_p2 - (-4e-1))
      + (p.segscope_p3 - 0e0) * (p.segscope_p3 - 0e0)
      + (p.segscope_p4 - 2e-1) * (p.segscope_p4 - 2e-1)
      + (p.segscope_p5 - 3e-1) * (p.segscope_p5 - 3e-1)
      + (p.segscope_p6 - 0e0) * (p.segscope_p6 - 0e0)
      + (p.segscope_p7 - (-1.3e0)) * (p.segscope_p7 - (-1.3e0))
      + (p.segscope_p8 - 6e-1) * (p.segscope_p8 - 6e-1)
    AS segscope_d3
) AS d;
