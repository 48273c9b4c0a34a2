-- Material Analysis: which metals and gemstones customers choose (option values of ordered
-- lines, labels folded), by units and revenue.
select
  option_group,
  value_label,
  count(*) as lines,
  cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
  sum(line_total_eur) as revenue_eur
from {{ ref('silver_order_line_options') }}
where revenue_status = 'counted' and option_group != 'other'
group by option_group, value_label
