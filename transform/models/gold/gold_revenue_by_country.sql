-- Executive Sales Overview, revenue by country (IP location of the checkout).
select
  country,
  max(country_code) as country_code,
  count(distinct order_key) as orders,
  count(distinct customer_key) as customers,
  sum(line_total_eur) as revenue_eur
from {{ ref('silver_order_lines') }}
where revenue_status = 'counted'
group by country
