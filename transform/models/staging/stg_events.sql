-- Bronze events typed and de-duplicated by their key, (topic, partition, watermark epoch, offset):
-- a replayed or re-exported event counts once (the first ingested copy wins), and after a
-- `reset-partition` the new log's events count beside the old one's at the same offsets. Event
-- time is time_stamp (UTC), else Kafka's.
{%- set offset_epoch = bronze_offset_epoch(source('bronze', 'summary'), 's') %}
with ranked as (
  select
    s.*,
    {{ offset_epoch }} as offset_epoch,
    row_number() over (
      partition by s._topic, s._partition, {{ offset_epoch }}, s._offset
      order by s._ingested_at
    ) as copy_number
  from {{ source('bronze', 'summary') }} as s
)

select
  _topic || ':' || cast(_partition as {{ text_type() }}) || ':'
    || cast(offset_epoch as {{ text_type() }}) || ':' || cast(_offset as {{ text_type() }})
    as event_key,
  _topic as kafka_topic,
  _partition as kafka_partition,
  offset_epoch as kafka_offset_epoch,
  _offset as kafka_offset,
  {{ epoch_ms_to_timestamp('coalesce(event_time_ms, _kafka_timestamp_ms)') }} as event_at,
  cast({{ epoch_ms_to_timestamp('coalesce(event_time_ms, _kafka_timestamp_ms)') }} as date)
    as event_date,
  _ingested_at as ingested_at,
  collection,
  store_id,
  coalesce(
    {{ regex_group('lower(current_url)', "'^https?://[^/]*glamira[.]([a-z]+(?:[.][a-z]+)?)'") }},
    stores.store_domain
  ) as store_domain,
  current_url,
  referrer_url,
  device_id,
  coalesce(nullif(user_id_db, ''), device_id) as customer_key,
  {{ dbt.safe_cast("nullif(product_id, '')", dbt.type_bigint()) }} as product_id,
  {{ dbt.safe_cast("nullif(viewing_product_id, '')", dbt.type_bigint()) }} as viewing_product_id,
  order_id,
  is_paypal,
  currency,
  price,
  utm_source,
  utm_medium,
  {{ adapter.quote('option') }} as options,
  cart_products,
  user_agent_id,
  ip,
  country_code,
  country,
  region,
  city,
  latitude,
  longitude,
  field_problems
from ranked
left join {{ ref('stores') }} as stores using (store_id)
where copy_number = 1
