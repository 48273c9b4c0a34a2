-- Fails with each Gold figure that differs from the sum of the counted Silver order lines
-- (per currency as charged and converted; totals of every Gold breakdown).
with silver as (
  select
    currency_code,
    sum(line_total) as revenue,
    sum(line_total_eur) as revenue_eur
  from {{ ref('silver_order_lines') }}
  where revenue_status = 'counted'
  group by currency_code
),

per_currency as (
  select
    'currency ' || coalesce(s.currency_code, g.currency_code) as figure,
    coalesce(s.revenue, 0) as silver_value,
    coalesce(g.revenue, 0) as gold_value
  from silver as s
  full outer join {{ ref('gold_revenue_by_currency') }} as g on g.currency_code = s.currency_code
  union all
  select
    'currency ' || coalesce(s.currency_code, g.currency_code) || ' in EUR',
    coalesce(s.revenue_eur, 0),
    coalesce(g.revenue_eur, 0)
  from silver as s
  full outer join {{ ref('gold_revenue_by_currency') }} as g on g.currency_code = s.currency_code
),

total as (select coalesce(sum(revenue_eur), 0) as revenue_eur from silver),

totals as (
  select 'overview' as figure, (select revenue_eur from total) as silver_value,
    (select revenue_eur from {{ ref('gold_sales_overview') }}) as gold_value
  union all
  select 'daily', (select revenue_eur from total),
    (select coalesce(sum(revenue_eur), 0) from {{ ref('gold_sales_daily') }})
  union all
  select 'by country', (select revenue_eur from total),
    (select coalesce(sum(revenue_eur), 0) from {{ ref('gold_revenue_by_country') }})
  union all
  select 'by city', (select revenue_eur from total),
    (select coalesce(sum(revenue_eur), 0) from {{ ref('gold_revenue_by_city') }})
  union all
  select 'by device', (select revenue_eur from total),
    (select coalesce(sum(revenue_eur), 0) from {{ ref('gold_transactions_by_device') }})
  union all
  select 'by browser', (select revenue_eur from total),
    (select coalesce(sum(revenue_eur), 0) from {{ ref('gold_transactions_by_browser') }})
  union all
  select 'by product', (
      select coalesce(sum(line_total_eur), 0) from {{ ref('silver_order_lines') }}
      where revenue_status = 'counted' and product_id is not null
    ),
    (select coalesce(sum(revenue_eur), 0) from {{ ref('gold_top_products') }})
)

select figure, silver_value, gold_value
from (
  select * from per_currency
  union all
  select * from totals
) as compared
where abs(silver_value - gold_value) > 0.005
