-- Geographic Audience: revenue and orders by country, region and city.
select
  country,
  region,
  city,
  max(country_code) as country_code,
  count(distinct order_key) as orders,
  sum(line_total_eur) as revenue_eur
from {{ ref('silver_order_lines') }}
where revenue_status = 'counted'
group by country, region, city
