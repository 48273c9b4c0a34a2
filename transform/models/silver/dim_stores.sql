-- The country stores events came from: domain (from the page URLs, else the seed), market.
select
  e.store_id,
  coalesce(max(seed.store_domain), min(e.store_domain)) as store_domain,
  max(seed.market_country_code) as market_country_code,
  count(*) as events,
  min(e.event_date) as first_seen_date,
  max(e.event_date) as last_seen_date
from {{ ref('stg_events') }} as e
left join {{ ref('stores') }} as seed on seed.store_id = e.store_id
where e.store_id is not null
group by e.store_id
