-- Segscope segments: Value from transactions (first match, as of 2026-01-01), PostgreSQL.
-- Expects the tables' columns typed as Segscope read them (amounts as DECIMAL), NULL where values are missing.
WITH segscope_orders AS (
  SELECT
    CAST("customer_id" AS TEXT) AS segscope_key,
    COUNT(DISTINCT CASE WHEN "amount" > 0 THEN "order_id" END) AS orders,
    SUM("amount") AS revenue,
    MIN(CASE WHEN "amount" > 0 THEN CAST("order_date" AS DATE) END) AS first_order_date,
    MAX(CASE WHEN "amount" > 0 THEN CAST("order_date" AS DATE) END) AS last_order_date,
    SUM(CASE WHEN "amount" < 0 THEN 1 ELSE 0 END) AS returns,
    SUM(CASE WHEN "amount" > 0 THEN "amount" ELSE 0 END) AS segscope_gross,
    STRING_AGG(DISTINCT "category" COLLATE "C", '; ' ORDER BY "category" COLLATE "C") COLLATE "default" AS categories_bought,
    SUM(CASE WHEN "category" = 'Toys' AND "amount" > 0 THEN "amount" ELSE 0 END) AS segscope_share_0
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
    CASE WHEN o.orders >= 2 THEN (o.last_order_date - o.first_order_date) / (o.orders - 1.0) END AS days_between_orders,
    COALESCE(o.returns, 0) AS returns,
    o.categories_bought,
    o.segscope_share_0 / NULLIF(o.segscope_gross, 0) AS "spend_share_Toys"
  FROM "my_project"."crm"."customers" AS c
  LEFT JOIN segscope_orders AS o ON CAST(c."customer_id" AS TEXT) = o.segscope_key
)
SELECT
  *,
  CASE
    WHEN ("orders" >= 15 AND ("last_order_date" >= DATE '2025-12-02' AND "last_order_date" < DATE '2026-01-01')) THEN 'Champions'
    WHEN ("last_order_date" < DATE '2025-01-01') THEN 'Lapsed'
    WHEN ("spend_share_Toys" >= 0.25 AND "acquisition_channel" = 'Paid social') THEN 'Toy buyers from social'
    WHEN "orders" = 0 THEN 'Never bought'
    ELSE 'Everyone else'
  END AS "segment"
FROM segscope_customers;
