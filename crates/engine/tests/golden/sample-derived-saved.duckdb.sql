-- Segscope segments: Derived fields as the app saves them (first match, as of 2026-01-01), DuckDB.
-- Expects the tables' columns typed as Segscope read them (amounts as DECIMAL), NULL where values are missing.
WITH segscope_orders AS (
  SELECT
    CAST("customer_id" AS VARCHAR) AS segscope_key,
    COUNT(DISTINCT CASE WHEN "amount" > 0 THEN "order_id" END) AS orders,
    SUM("amount") AS revenue,
    MIN(CASE WHEN "amount" > 0 THEN CAST("order_date" AS DATE) END) AS first_order_date,
    MAX(CASE WHEN "amount" > 0 THEN CAST("order_date" AS DATE) END) AS last_order_date,
    SUM(CASE WHEN "amount" < 0 THEN 1 ELSE 0 END) AS returns,
    SUM(CASE WHEN "amount" > 0 THEN "amount" ELSE 0 END) AS segscope_gross,
    STRING_AGG(DISTINCT "category", '; ' ORDER BY "category") AS categories_bought
  FROM "my_project"."crm"."orders"
  WHERE "customer_id" IS NOT NULL AND "order_date" IS NOT NULL AND "amount" IS NOT NULL
  GROUP BY "customer_id"
),
segscope_customers AS (
  SELECT
    c.*,
    COALESCE(o.orders, 0) AS orders,
    COALESCE(o.revenue, 0) AS revenue,
    o.first_order_date,
    o.last_order_date,
    CASE WHEN o.orders >= 2 THEN date_diff('day', o.first_order_date, o.last_order_date) / (o.orders - 1.0) END AS days_between_orders,
    COALESCE(o.returns, 0) AS returns,
    o.categories_bought
  FROM "my_project"."crm"."customers" AS c
  LEFT JOIN segscope_orders AS o ON CAST(c."customer_id" AS VARCHAR) = o.segscope_key
),
segscope_derived AS (
  SELECT
    *,
    (DATE '2026-01-01' - "signup_date") AS "days_as_customer",
    CAST(FLOOR((20260101 - (EXTRACT(YEAR FROM "signup_date") * 10000 + EXTRACT(MONTH FROM "signup_date") * 100 + EXTRACT(DAY FROM "signup_date"))) / 10000.0) AS BIGINT) AS "years_as_customer",
    CAST(FLOOR((20260101 - (EXTRACT(YEAR FROM "signup_date") * 10000 + EXTRACT(MONTH FROM "signup_date") * 100 + EXTRACT(DAY FROM "signup_date"))) / 10000.0) AS BIGINT) AS "signup_anniversaries",
    CASE WHEN "age" IS NULL THEN NULL WHEN "age" < 18 THEN 'under 18' WHEN "age" < 25 THEN '18 to under 25' WHEN "age" < 35 THEN '25 to under 35' WHEN "age" < 45 THEN '35 to under 45' WHEN "age" < 55 THEN '45 to under 55' WHEN "age" < 65 THEN '55 to under 65' ELSE '65 and over' END AS "age_band",
    CASE WHEN "income" IS NULL THEN NULL WHEN "income" < 25000 THEN 'low' WHEN "income" < 50000 THEN 'middle' WHEN "income" < 100000 THEN 'upper middle' ELSE 'high' END AS "income_tier"
  FROM segscope_customers
)
SELECT
  *,
  CASE
    WHEN ("days_as_customer" < 365 AND "orders" >= 3) THEN 'New and buying'
    WHEN ("age_band" IN ('18 to under 25', '25 to under 35') AND STRPOS(LOWER("categories_bought"), 'toys') > 0) THEN 'Young toy buyers'
    WHEN ("years_as_customer" >= 5 AND "income_tier" = 'high') THEN 'Long-standing high earners'
    WHEN ((CASE WHEN "days_between_orders" < 30 THEN 1 ELSE 0 END + CASE WHEN "income_tier" IN ('middle', 'upper middle') THEN 1 ELSE 0 END + CASE WHEN ("signup_anniversaries" >= 2 AND "signup_anniversaries" <= 4) THEN 1 ELSE 0 END) >= 2) THEN 'Frequent, middle income'
    WHEN (LOWER("urbanicity") = 'urban' AND "returns" >= 1 AND "revenue" >= 1000) THEN 'Urban with returns'
    ELSE 'Everyone else'
  END AS "segment"
FROM segscope_derived;
