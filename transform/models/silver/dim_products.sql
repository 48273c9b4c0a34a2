-- One row per catalog product: the crawled name when the crawler found one ('' and 403/404
-- pages become null), and the page it was first seen on.
select
  product_id,
  product_name,
  current_url,
  is_crawl
from (
  select
    {{ dbt.safe_cast('p.product_id', dbt.type_bigint()) }} as product_id,
    nullif(trim(p.product_name), '') as product_name,
    p.current_url,
    coalesce(p.is_crawl, false) as is_crawl,
    row_number() over (
      partition by {{ dbt.safe_cast('p.product_id', dbt.type_bigint()) }}
      order by case when nullif(trim(p.product_name), '') is null then 1 else 0 end, p.current_url
    ) as copy_number
  from {{ source('bronze', 'products') }} as p
) as deduplicated
where copy_number = 1 and product_id is not null
