-- Fails with each order whose Silver lines (count, units, products) differ from the Bronze
-- cart_products of its checkout_success events, read straight from the source: per order and
-- line position, every copy of the order (repeated success pages, replays) must agree, and
-- Silver must hold exactly one line per position. An event without an order id is its own order,
-- keyed like Silver's events (topic, partition, watermark epoch, offset).
with bronze_lines as (
  select
    coalesce(
      cast(s.order_id as {{ text_type() }}),
      'event:' || s._topic || ':' || cast(s._partition as {{ text_type() }}) || ':'
        || cast({{ bronze_offset_epoch(source('bronze', 'summary'), 's') }} as {{ text_type() }})
        || ':' || cast(s._offset as {{ text_type() }})
    ) as order_key,
    {{ unnest_position('pos') }} as line_number,
    item.amount,
    item.product_id
  from {{ source('bronze', 'summary') }} as s
  {{ unnest_numbered('s.cart_products', 'item', 'pos') }}
  where s.collection = 'checkout_success'
),

positions as (
  select
    order_key,
    line_number,
    max(amount) as amount,
    max(product_id) as product_id,
    case when min(amount) = max(amount) and min(product_id) = max(product_id) then 0 else 1 end
      as disagreeing
  from bronze_lines
  group by order_key, line_number
),

bronze_orders as (
  select
    order_key,
    count(*) as lines,
    coalesce(sum(amount), 0) as units,
    coalesce(sum(product_id), 0) as product_sum,
    sum(disagreeing) as disagreeing_positions
  from positions
  group by order_key
),

silver_orders as (
  select
    order_key,
    count(*) as lines,
    count(distinct line_number) as positions,
    coalesce(sum(quantity), 0) as units,
    coalesce(sum(product_id), 0) as product_sum
  from {{ ref('silver_order_lines') }}
  group by order_key
)

select
  coalesce(b.order_key, s.order_key) as order_key,
  b.lines as bronze_lines,
  s.lines as silver_lines,
  b.units as bronze_units,
  s.units as silver_units,
  b.disagreeing_positions
from bronze_orders as b
full outer join silver_orders as s on s.order_key = b.order_key
where b.order_key is null
  or s.order_key is null
  or b.lines != s.lines
  or s.positions != s.lines
  or b.units != s.units
  or b.product_sum != s.product_sum
  or b.disagreeing_positions > 0
