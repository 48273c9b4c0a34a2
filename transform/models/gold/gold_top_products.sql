-- Product Performance: revenue, units and sales velocity (units per day since the product was
-- first seen in any event, up to the last day of data) per product.
with sales as (
  select
    product_id,
    max(product_name) as product_name,
    count(distinct order_key) as orders,
    cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
    sum(line_total_eur) as revenue_eur,
    min(order_date) as first_order_date
  from {{ ref('silver_order_lines') }}
  where revenue_status = 'counted' and product_id is not null
  group by product_id
),

first_seen as (
  select product_id, min(event_date) as first_seen_date
  from {{ ref('silver_events') }}
  where product_id is not null
  group by product_id
),

last_day as (select max(event_date) as last_date from {{ ref('silver_events') }}),

dated as (
  select
    sales.*,
    case
      when first_seen.first_seen_date < sales.first_order_date then first_seen.first_seen_date
      else sales.first_order_date
    end as first_seen_date
  from sales
  left join first_seen on first_seen.product_id = sales.product_id
)

select
  dated.product_id,
  coalesce(dated.product_name, 'Product ' || cast(dated.product_id as {{ text_type() }}))
    as product_name,
  dated.orders,
  dated.units,
  dated.revenue_eur,
  dated.first_seen_date,
  {{ dbt.datediff('dated.first_seen_date', 'last_day.last_date', 'day') }} + 1
    as days_since_first_seen,
  round(
    dated.units / ({{ dbt.datediff('dated.first_seen_date', 'last_day.last_date', 'day') }} + 1.0),
    3
  ) as units_per_day
from dated
cross join last_day
