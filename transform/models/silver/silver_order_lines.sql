-- One row per order line: the lines of each order's first checkout_success event (repeated
-- success pages repeat the order: they count once), with the unit price parsed (see
-- macros/parse_price.sql), the currency resolved (ambiguous "$"/"kr" by store domain), the
-- line converted to the reporting currency at the rate valid on the order date, and lines
-- with implausible quantities or values flagged as outliers instead of dropped.
with first_event as (
  select order_key, event_key
  from (
    select
      order_key,
      event_key,
      row_number() over (
        partition by order_key
        order by event_at, kafka_topic, kafka_partition, kafka_offset_epoch, kafka_offset
      ) as event_rank
    from {{ ref('stg_checkout_lines') }}
  ) as ranked
  where event_rank = 1
  group by order_key, event_key
),

lines as (
  select
    l.*,
    -- the Kuwaiti dinar comes with a trailing right-to-left mark (U+200F; U+200E too): removed
    trim(replace(replace(l.currency_text, '‏', ''), '‎', '')) as currency_clean
  from {{ ref('stg_checkout_lines') }} as l
  inner join first_event as f on f.order_key = l.order_key and f.event_key = l.event_key
),

with_currency as (
  select
    lines.*,
    coalesce(by_domain.currency_code, anywhere.currency_code) as currency_code,
    coalesce(by_domain.decimals, anywhere.decimals) as currency_decimals,
    case
      when lines.currency_clean is null or lines.currency_clean = '' then 'missing'
      when coalesce(by_domain.currency_code, anywhere.currency_code) is not null then 'resolved'
      when ambiguous.currency_text is not null then 'ambiguous'
      else 'unknown'
    end as currency_status
  from lines
  left join {{ ref('currencies') }} as by_domain
    on by_domain.currency_text = lines.currency_clean
    and by_domain.store_domain = lines.store_domain
  left join {{ ref('currencies') }} as anywhere
    on anywhere.currency_text = lines.currency_clean
    and anywhere.store_domain is null
  left join (
    select distinct currency_text from {{ ref('currencies') }} where store_domain is not null
  ) as ambiguous
    on ambiguous.currency_text = lines.currency_clean
),

-- Price parsing, step by step (the rules are in macros/parse_price.sql).
cleaned as (
  select with_currency.*, {{ price_clean('unit_price_text') }} as price_clean
  from with_currency
),

tailed as (
  select cleaned.*, {{ price_tail('price_clean') }} as price_tail
  from cleaned
),

split as (
  select
    tailed.*,
    {{ price_has_decimals('price_tail', 'currency_decimals') }} as price_has_decimals
  from tailed
),

whole as (
  select
    split.*,
    {{ price_whole('price_clean', 'price_tail', 'price_has_decimals') }} as price_whole
  from split
),

checked as (
  select
    whole.*,
    {{ price_is_valid('price_clean', 'price_tail', 'price_has_decimals', 'price_whole') }}
      as price_valid
  from whole
),

priced as (
  select
    checked.*,
    {{ price_value('price_tail', 'price_has_decimals', 'price_whole', 'price_valid') }}
      as unit_price,
    {{ price_status('unit_price_text', 'price_valid') }} as price_status
  from checked
),

rated as (
  select
    priced.*,
    rates.units_per_eur
  from priced
  left join (
    select
      currency_code,
      valid_from,
      units_per_eur,
      lead(valid_from) over (partition by currency_code order by valid_from) as valid_until
    from {{ ref('exchange_rates') }}
  ) as rates
    on rates.currency_code = priced.currency_code
    and priced.event_date >= rates.valid_from
    and (rates.valid_until is null or priced.event_date < rates.valid_until)
),

valued as (
  select
    rated.*,
    {{ to_money('unit_price * quantity') }} as line_total,
    {{ to_money('unit_price * quantity / units_per_eur') }} as line_total_eur
  from rated
)

select
  v.order_key || ':' || cast(v.line_number as {{ text_type() }}) as order_line_key,
  v.order_key,
  v.order_id,
  v.line_number,
  v.event_key,
  v.event_at,
  v.event_date as order_date,
  v.store_id,
  v.store_domain,
  v.customer_key,
  v.product_id,
  p.product_name,
  v.quantity,
  v.unit_price_text,
  v.unit_price,
  v.price_status,
  v.currency_text,
  v.currency_code,
  v.currency_status,
  v.line_total,
  v.units_per_eur,
  v.line_total_eur,
  coalesce(
    v.quantity > {{ var('outlier_max_units') }}
    or v.line_total_eur > {{ var('outlier_max_line_eur') }},
    false
  ) as is_outlier,
  case
    when v.price_status != 'parsed' then 'price_' || v.price_status
    when v.currency_status != 'resolved' then 'currency_' || v.currency_status
    when v.quantity is null then 'quantity_missing'
    when v.units_per_eur is null then 'no_rate'
    when v.quantity > {{ var('outlier_max_units') }}
      or v.line_total_eur > {{ var('outlier_max_line_eur') }} then 'outlier'
    else 'counted'
  end as revenue_status,
  ev.country_code,
  coalesce(ev.country, 'Unknown') as country,
  coalesce(ev.region, 'Unknown') as region,
  coalesce(ev.city, 'Unknown') as city,
  ev.device_type,
  coalesce(ev.browser_family, 'Unknown') as browser_family,
  v.line_options
from valued as v
left join {{ ref('silver_events') }} as ev on ev.event_key = v.event_key
left join {{ ref('dim_products') }} as p on p.product_id = v.product_id
