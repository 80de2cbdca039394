-- Segscope clusters: Gaussian mixture, k = 3, on age, income (ln(1 + x)), email_opt_in, gender (one column per category), revenue (ln(1 + x)), last_order_date (days before the as-of date), Spark SQL.
-- `cluster` is the name of the most probable mixture component (the lowest score: squared norm of the centred features times the precision's Cholesky factor, minus twice the log of its weight and of the factor's determinant; the first cluster on a tie); a customer missing a feature is left out, as when fitted: NULL cluster; ln(1 + x) of a value at or below -1 gives NULL.
-- Dates count whole days back from the as-of date 2025-12-01 (a date-time by its date).
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
    (CAST(c.`age` AS DOUBLE) - 4.209e1) / 1.425e1 AS segscope_p1,
    (CASE WHEN CAST(c.`income` AS DOUBLE) > -1 THEN LN(1 + CAST(c.`income` AS DOUBLE)) END - 1.06e1) / 6.1e-1 AS segscope_p2,
    (CAST(CASE WHEN c.`email_opt_in` THEN 1 WHEN NOT c.`email_opt_in` THEN 0 END AS DOUBLE) - 5.09e-1) / 4.999e-1 AS segscope_p3,
    CAST(CASE WHEN c.`gender` IS NULL THEN NULL WHEN c.`gender` = 'Female' THEN 5e-1 ELSE 0 END AS DOUBLE) AS segscope_p4,
    CAST(CASE WHEN c.`gender` IS NULL THEN NULL WHEN c.`gender` = 'Male' THEN 5e-1 ELSE 0 END AS DOUBLE) AS segscope_p5,
    CAST(CASE WHEN c.`gender` IS NULL THEN NULL WHEN c.`gender` = 'Non-binary' THEN 5e-1 ELSE 0 END AS DOUBLE) AS segscope_p6,
    (CASE WHEN CAST(c.`revenue` AS DOUBLE) > -1 THEN LN(1 + CAST(c.`revenue` AS DOUBLE)) END - 5.9e0) / 1.1e0 AS segscope_p7,
    (CAST(DATEDIFF(DATE '2025-12-01', CAST(c.`last_order_date` AS DATE)) AS DOUBLE) - 1e0) / 7.29e2 AS segscope_p8
) AS p
CROSS JOIN LATERAL (
  SELECT
    (p.segscope_p1 - (-9e-1)) * 1e0 AS segscope_y1_1,
    (p.segscope_p1 - (-9e-1)) * (-5e-1) + (p.segscope_p2 - 2e-1) * 1.25e0 AS segscope_y1_2,
    (p.segscope_p1 - (-9e-1)) * 0e0 + (p.segscope_p2 - 2e-1) * (-5e-1) + (p.segscope_p3 - 1e-1) * 1.5e0 AS segscope_y1_3,
    (p.segscope_p1 - (-9e-1)) * 0e0 + (p.segscope_p2 - 2e-1) * 0e0 + (p.segscope_p3 - 1e-1) * (-5e-1) + (p.segscope_p4 - 3e-1) * 1.75e0 AS segscope_y1_4,
    (p.segscope_p1 - (-9e-1)) * 0e0 + (p.segscope_p2 - 2e-1) * 0e0 + (p.segscope_p3 - 1e-1) * 0e0 + (p.segscope_p4 - 3e-1) * (-5e-1) + (p.segscope_p5 - 1.5e-1) * 2e0 AS segscope_y1_5,
    (p.segscope_p1 - (-9e-1)) * 0e0 + (p.segscope_p2 - 2e-1) * 0e0 + (p.segscope_p3 - 1e-1) * 0e0 + (p.segscope_p4 - 3e-1) * 0e0 + (p.segscope_p5 - 1.5e-1) * (-5e-1) + (p.segscope_p6 - 5e-2) * 2.25e0 AS segscope_y1_6,
    (p.segscope_p1 - (-9e-1)) * 0e0 + (p.segscope_p2 - 2e-1) * 0e0 + (p.segscope_p3 - 1e-1) * 0e0 + (p.segscope_p4 - 3e-1) * 0e0 + (p.segscope_p5 - 1.5e-1) * 0e0 + (p.segscope_p6 - 5e-2) * (-5e-1) + (p.segscope_p7 - 4e-1) * 2.5e0 AS segscope_y1_7,
    (p.segscope_p1 - (-9e-1)) * 0e0 + (p.segscope_p2 - 2e-1) * 0e0 + (p.segscope_p3 - 1e-1) * 0e0 + (p.segscope_p4 - 3e-1) * 0e0 + (p.segscope_p5 - 1.5e-1) * 0e0 + (p.segscope_p6 - 5e-2) * 0e0 + (p.segscope_p7 - 4e-1) * (-5e-1) + (p.segscope_p8 - 2e-2) * 2.75e0 AS segscope_y1_8,
    (p.segscope_p1 - 3e-1) * 1.25e0 AS segscope_y2_1,
    (p.segscope_p1 - 3e-1) * (-5e-1) + (p.segscope_p2 - 1.1e0) * 1.5e0 AS segscope_y2_2,
    (p.segscope_p1 - 3e-1) * 0e0 + (p.segscope_p2 - 1.1e0) * (-5e-1) + (p.segscope_p3 - (-2e-1)) * 1.75e0 AS segscope_y2_3,
    (p.segscope_p1 - 3e-1) * 0e0 + (p.segscope_p2 - 1.1e0) * 0e0 + (p.segscope_p3 - (-2e-1)) * (-5e-1) + (p.segscope_p4 - 2.5e-1) * 2e0 AS segscope_y2_4,
    (p.segscope_p1 - 3e-1) * 0e0 + (p.segscope_p2 - 1.1e0) * 0e0 + (p.segscope_p3 - (-2e-1)) * 0e0 + (p.segscope_p4 - 2.5e-1) * (-5e-1) + (p.segscope_p5 - 2.5e-1) * 2.25e0 AS segscope_y2_5,
    (p.segscope_p1 - 3e-1) * 0e0 + (p.segscope_p2 - 1.1e0) * 0e0 + (p.segscope_p3 - (-2e-1)) * 0e0 + (p.segscope_p4 - 2.5e-1) * 0e0 + (p.segscope_p5 - 2.5e-1) * (-5e-1) + (p.segscope_p6 - 0e0) * 2.5e0 AS segscope_y2_6,
    (p.segscope_p1 - 3e-1) * 0e0 + (p.segscope_p2 - 1.1e0) * 0e0 + (p.segscope_p3 - (-2e-1)) * 0e0 + (p.segscope_p4 - 2.5e-1) * 0e0 + (p.segscope_p5 - 2.5e-1) * 0e0 + (p.segscope_p6 - 0e0) * (-5e-1) + (p.segscope_p7 - 1.2e0) * 2.75e0 AS segscope_y2_7,
    (p.segscope_p1 - 3e-1) * 0e0 + (p.segscope_p2 - 1.1e0) * 0e0 + (p.segscope_p3 - (-2e-1)) * 0e0 + (p.segscope_p4 - 2.5e-1) * 0e0 + (p.segscope_p5 - 2.5e-1) * 0e0 + (p.segscope_p6 - 0e0) * 0e0 + (p.segscope_p7 - 1.2e0) * (-5e-1) + (p.segscope_p8 - 1e-2) * 3e0 AS segscope_y2_8,
    (p.segscope_p1 - 8e-1) * 1.5e0 AS segscope_y3_1,
    (p.segscope_p1 - 8e-1) * (-5e-1) + (p.segscope_p2 - (-4e-1)) * 1.75e0 AS segscope_y3_2,
    (p.segscope_p1 - 8e-1) * 0e0 + (p.segscope_p2 - (-4e-1)) * (-5e-1) + (p.segscope_p3 - 0e0) * 2e0 AS segscope_y3_3,
    (p.segscope_p1 - 8e-1) * 0e0 + (p.segscope_p2 - (-4e-1)) * 0e0 + (p.segscope_p3 - 0e0) * (-5e-1) + (p.segscope_p4 - 2e-1) * 2.25e0 AS segscope_y3_4,
    (p.segscope_p1 - 8e-1) * 0e0 + (p.segscope_p2 - (-4e-1)) * 0e0 + (p.segscope_p3 - 0e0) * 0e0 + (p.segscope_p4 - 2e-1) * (-5e-1) + (p.segscope_p5 - 3e-1) * 2.5e0 AS segscope_y3_5,
    (p.segscope_p1 - 8e-1) * 0e0 + (p.segscope_p2 - (-4e-1)) * 0e0 + (p.segscope_p3 - 0e0) * 0e0 + (p.segscope_p4 - 2e-1) * 0e0 + (p.segscope_p5 - 3e-1) * (-5e-1) + (p.segscope_p6 - 0e0) * 2.75e0 AS segscope_y3_6,
    (p.segscope_p1 - 8e-1) * 0e0 + (p.segscope_p2 - (-4e-1)) * 0e0 + (p.segscope_p3 - 0e0) * 0e0 + (p.segscope_p4 - 2e-1) * 0e0 + (p.segscope_p5 - 3e-1) * 0e0 + (p.segscope_p6 - 0e0) * (-5e-1) + (p.segscope_p7 - (-1.3e0)) * 3e0 AS segscope_y3_7,
    (p.segscope_p1 - 8e-1) * 0e0 + (p.segscope_p2 - (-4e-1)) * 0e0 + (p.segscope_p3 - 0e0) * 0e0 + (p.segscope_p4 - 2e-1) * 0e0 + (p.segscope_p5 - 3e-1) * 0e0 + (p.segscope_p6 - 0e0) * 0e0 + (p.segscope_p7 - (-1.3e0)) * (-5e-1) + (p.segscope_p8 - 6e-1) * 3.25e0 AS segscope_y3_8
) AS y
CROSS JOIN LATERAL (
  SELECT
    y.segscope_y1_1 * y.segscope_y1_1
      + y.segscope_y1_2 * y.segscope_y1_2
      + y.segscope_y1_3 * y.segscope_y1_3
      + y.segscope_y1_4 * y.segscope_y1_4
      + y.segscope_y1_5 * y.segscope_y1_5
      + y.segscope_y1_6 * y.segscope_y1_6
      + y.segscope_y1_7 * y.segscope_y1_7
      + y.segscope_y1_8 * y.segscope_y1_8
      + (-7.854092614253521e0)
    AS segscope_d1,
    y.segscope_y2_1 * y.segscope_y2_1
      + y.segscope_y2_2 * y.segscope_y2_2
      + y.segscope_y2_3 * y.segscope_y2_3
      + y.segscope_y2_4 * y.segscope_y2_4
      + y.segscope_y2_5 * y.segscope_y2_5
      + y.segscope_y2_6 * y.segscope_y2_6
      + y.segscope_y2_7 * y.segscope_y2_7
      + y.segscope_y2_8 * y.segscope_y2_8
      + (-9.029665944057758e0)
    AS segscope_d2,
    y.segscope_y3_1 * y.segscope_y3_1
      + y.segscope_y3_2 * y.segscope_y3_2
      + y.segscope_y3_3 * y.segscope_y3_3
      + y.segscope_y3_4 * y.segscope_y3_4
      + y.segscope_y3_5 * y.segscope_y3_5
      + y.segscope_y3_6 * y.segscope_y3_6
      + y.segscope_y3_7 * y.segscope_y3_7
      + y.segscope_y3_8 * y.segscope_y3_8
      + (-1.0129758617896304e1)
    AS segscope_d3
) AS d;
