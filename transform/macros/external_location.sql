{#- dbt-duckdb's external models land at <lake>/<schema>/<model>.parquet: silver/..., gold/...
    (overrides the adapter's default of one flat folder). -#}
{% macro external_location(relation, config) -%}
  {{- env_var('MODELS_LAKE', '../data/lake') }}/{{ relation.schema }}/{{ relation.identifier }}.{{ config.get('format', 'parquet') }}
{%- endmacro %}
