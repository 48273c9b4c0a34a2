{#- Silver, Gold, staging and reference land in schemas named as such on DuckDB (the file's
    readers see silver.*, gold.*); on BigQuery they are datasets `<dataset>_silver`, ... -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{ target.schema }}
  {%- elif target.type == 'duckdb' -%}
    {{ custom_schema_name | trim }}
  {%- else -%}
    {{ target.schema }}_{{ custom_schema_name | trim }}
  {%- endif -%}
{%- endmacro %}
