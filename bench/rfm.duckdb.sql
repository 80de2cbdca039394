-- RFM as SQL with window functions (DuckDB), the same definition as `segscope rfm` with its defaults:
-- frequency = distinct orders with a positive amount, monetary = total amount (returns netted), recency = days from the last purchase
-- (positive amount) to the as-of date (the day after the last transaction, returns included), scores 1..5 by rank: 1 + floor(5 * (RANK() - 1) / N), worst
-- first (recency: the longest ago first). Customers without a purchase are left out, as in the engine's
-- SQL (crates/engine/src/rfm/sql.rs); the benchmark compares the raw recency/frequency/monetary per customer.
-- Reads the table `transactions` (customer_id, order_id, order_date, amount); used by bench/native_rfm.py (DuckDB) and
-- by the benchmark page (DuckDB-WASM).
WITH per_customer AS (
  SELECT customer_id,
         max(CASE WHEN amount > 0 THEN order_date END) AS last_date,
         count(DISTINCT CASE WHEN amount > 0 THEN order_id END) AS frequency,
         sum(amount) AS monetary
  FROM transactions
  WHERE customer_id IS NOT NULL AND order_date IS NOT NULL AND amount IS NOT NULL
  GROUP BY customer_id
),
as_of AS (SELECT max(order_date) + 1 AS as_of FROM transactions),
rfm AS (
  SELECT customer_id, (as_of - last_date) AS recency_days, frequency, monetary
  FROM per_customer, as_of
  WHERE frequency > 0
)
SELECT customer_id, recency_days, frequency, monetary,
       1 + (5 * (RANK() OVER (ORDER BY recency_days DESC) - 1)) // COUNT(*) OVER () AS r_score,
       1 + (5 * (RANK() OVER (ORDER BY frequency ASC) - 1)) // COUNT(*) OVER () AS f_score,
       1 + (5 * (RANK() OVER (ORDER BY monetary ASC) - 1)) // COUNT(*) OVER () AS m_score
FROM rfm
