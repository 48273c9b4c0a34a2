-- Technical Audience: orders and revenue by browser.
select
  browser_family,
  count(distinct order_key) as orders,
  sum(line_total_eur) as revenue_eur
from {{ ref('silver_order_lines') }}
where revenue_status = 'counted'
group by browser_family
