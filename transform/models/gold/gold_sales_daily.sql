-- Executive Sales Overview, daily trend: revenue, orders, customers and units per order date.
select
  order_date,
  count(distinct order_key) as orders,
  count(distinct customer_key) as customers,
  count(*) as lines,
  cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
  sum(line_total_eur) as revenue_eur
from {{ ref('silver_order_lines') }}
where revenue_status = 'counted'
group by order_date
