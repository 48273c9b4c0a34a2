-- One row per event (de-duplicated by topic, partition, watermark epoch and offset), joined with the user-agent,
-- location and product dimensions.
select
  e.event_key,
  e.kafka_topic,
  e.kafka_partition,
  e.kafka_offset_epoch,
  e.kafka_offset,
  e.event_at,
  e.event_date,
  e.ingested_at,
  e.collection,
  e.store_id,
  e.store_domain,
  e.customer_key,
  e.device_id,
  coalesce(e.product_id, e.viewing_product_id) as product_id,
  p.product_name,
  e.order_id,
  e.is_paypal,
  e.utm_source,
  e.utm_medium,
  e.user_agent_id,
  ua.browser_family,
  ua.browser_version,
  ua.os_family,
  ua.device_family,
  coalesce(ua.device_type, 'other') as device_type,
  coalesce(ua.is_bot, false) as is_bot,
  loc.location_key,
  loc.country_code,
  loc.country,
  loc.region,
  loc.city,
  e.field_problems is not null as has_field_problems
from {{ ref('stg_events') }} as e
left join {{ ref('dim_user_agents') }} as ua on ua.user_agent_id = e.user_agent_id
left join {{ ref('dim_products') }} as p on p.product_id = coalesce(e.product_id, e.viewing_product_id)
left join {{ ref('dim_locations') }} as loc
  on loc.location_key = {{ dbt.hash("coalesce(e.country_code, '') || '|' || coalesce(e.region, '') || '|' || coalesce(e.city, '')") }}
