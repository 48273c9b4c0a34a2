-- One row per User-Agent string, with the device type the dashboards group by.
select
  user_agent_id,
  user_agent_raw,
  browser_family,
  browser_version,
  os_family,
  os_version,
  device_family,
  device_brand,
  device_model,
  is_mobile,
  is_tablet,
  is_touch_capable,
  is_pc,
  is_bot,
  case
    when is_bot then 'bot'
    when is_tablet then 'tablet'
    when is_mobile then 'mobile'
    when is_pc then 'desktop'
    else 'other'
  end as device_type
from (
  select
    ua.*,
    row_number() over (partition by user_agent_id order by user_agent_raw) as copy_number
  from {{ source('bronze', 'user_agent') }} as ua
  where user_agent_id is not null
) as deduplicated
where copy_number = 1
