-- The options chosen on each order line (metal, stones, ...), with the label folded to the
-- material or gemstone it names (macros/option_group.sql). It opens with a CTE on purpose: dbt
-- puts unit-test inputs in front of the first WITH, which would otherwise be WITH ORDINALITY.
with lines as (select * from {{ ref('silver_order_lines') }})

select
  l.order_line_key,
  l.order_key,
  l.order_date,
  l.product_id,
  {{ unnest_position('pos') }} as option_number,
  opt.option_label,
  {{ option_group('opt.option_label') }} as option_group,
  coalesce(nullif(trim(opt.value_label), ''), 'Unknown') as value_label,
  l.quantity,
  l.line_total_eur,
  l.revenue_status
from lines as l
{{ unnest_numbered('l.line_options', 'opt', 'pos') }}
