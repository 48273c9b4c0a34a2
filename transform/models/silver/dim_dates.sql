-- Every date events fall on, with the calendar parts the dashboards group by.
select distinct
  event_date as date_day,
  extract(year from event_date) as year_number,
  extract(month from event_date) as month_number,
  cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start,
  cast({{ dbt.date_trunc('week', 'event_date') }} as date) as week_start
from {{ ref('stg_events') }}
