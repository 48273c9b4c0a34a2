-- Executive Sales Overview, headline figures: revenue (reporting currency, outliers and
-- unpriced lines left out and counted), orders, customers, average order value, date range,
-- and how fresh the data is.
with lines as (select * from {{ ref('silver_order_lines') }}),
counted as (select * from lines where revenue_status = 'counted'),
events as (
  select min(event_at) as first_event_at, max(event_at) as last_event_at, count(*) as events
  from {{ ref('silver_events') }}
)

select
  '{{ var("reporting_currency") }}' as reporting_currency,
  (select min(order_date) from counted) as first_order_date,
  (select max(order_date) from counted) as last_order_date,
  (select count(distinct order_key) from counted) as orders,
  (select count(distinct customer_key) from counted) as customers,
  (select count(*) from counted) as lines,
  (select cast(coalesce(sum(quantity), 0) as {{ dbt.type_bigint() }}) from counted) as units,
  (select coalesce(sum(line_total_eur), 0) from counted) as revenue_eur,
  {{ to_money('(select sum(line_total_eur) from counted) / nullif((select count(distinct order_key) from counted), 0)') }}
    as average_order_value_eur,
  (select count(*) from lines where revenue_status = 'outlier') as outlier_lines,
  (select coalesce(sum(line_total_eur), 0) from lines where revenue_status = 'outlier')
    as outlier_revenue_eur,
  (select count(*) from lines where revenue_status not in ('counted', 'outlier'))
    as uncounted_lines,
  events.first_event_at,
  events.last_event_at,
  events.events,
  {{ dbt.current_timestamp() }} as built_at
from events
