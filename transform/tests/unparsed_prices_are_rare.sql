{{ config(severity = 'warn') }}
-- Warns when more than 1% of order lines have a price or currency that did not resolve (the
-- lines are counted in silver_price_quality; revenue leaves them out).
select
  sum(case when price_status = 'unparsed' or currency_status in ('unknown', 'ambiguous')
      then 1 else 0 end) as unresolved_lines,
  count(*) as lines
from {{ ref('silver_order_lines') }}
having sum(case when price_status = 'unparsed' or currency_status in ('unknown', 'ambiguous')
    then 1 else 0 end) > 0.01 * count(*)
