-- How the order lines' prices and currencies parsed: counts per outcome and currency text,
-- with an example of each, so what does not parse is counted, never silently guessed.
select
  revenue_status,
  price_status,
  currency_status,
  coalesce(currency_text, '') as currency_text,
  count(*) as lines,
  min(unit_price_text) as example_price_text
from {{ ref('silver_order_lines') }}
group by revenue_status, price_status, currency_status, coalesce(currency_text, '')
