-- Revenue per currency, as charged and converted to the reporting currency.
select
  currency_code,
  count(distinct order_key) as orders,
  count(*) as lines,
  sum(line_total) as revenue,
  sum(line_total_eur) as revenue_eur
from {{ ref('silver_order_lines') }}
where revenue_status = 'counted'
group by currency_code
