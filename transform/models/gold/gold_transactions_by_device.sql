-- Technical Audience: orders and revenue by device type.
select
  coalesce(device_type, 'other') as device_type,
  count(distinct order_key) as orders,
  sum(line_total_eur) as revenue_eur
from {{ ref('silver_order_lines') }}
where revenue_status = 'counted'
group by coalesce(device_type, 'other')
