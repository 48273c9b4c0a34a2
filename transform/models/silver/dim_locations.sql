-- The places events come from (IP2Location country, region, city), keyed by a hash.
select distinct
  {{ dbt.hash("coalesce(country_code, '') || '|' || coalesce(region, '') || '|' || coalesce(city, '')") }}
    as location_key,
  country_code,
  coalesce(country, 'Unknown') as country,
  coalesce(region, 'Unknown') as region,
  coalesce(city, 'Unknown') as city
from {{ ref('stg_events') }}
