-- The cart lines of checkout_success events, one row per (event, line), flat. An order's key is
-- its order_id, or the event itself when the event carries none (it cannot be matched). Opens
-- with a CTE: dbt puts unit-test inputs in front of the first WITH (else WITH ORDINALITY).
with events as (select * from {{ ref('stg_events') }} where collection = 'checkout_success')

select
  e.event_key,
  coalesce(cast(e.order_id as {{ text_type() }}), 'event:' || e.event_key) as order_key,
  e.order_id,
  e.event_at,
  e.event_date,
  e.kafka_topic,
  e.kafka_partition,
  e.kafka_offset_epoch,
  e.kafka_offset,
  e.store_id,
  e.store_domain,
  e.customer_key,
  {{ unnest_position('pos') }} as line_number,
  item.product_id,
  item.amount as quantity,
  item.price as unit_price_text,
  item.currency as currency_text,
  item.{{ adapter.quote('option') }} as line_options
from events as e
{{ unnest_numbered('e.cart_products', 'item', 'pos') }}
