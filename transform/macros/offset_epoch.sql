{#- The watermark epoch of a Bronze row, `_offset_epoch`: after a `reset-partition` an event's key
    is (topic, partition, epoch, offset). Bronze exported before epochs existed has no such
    column: its rows are epoch 0, whether some files lack it (read as null) or all of them do. -#}
{% macro bronze_offset_epoch(relation, alias) -%}
  {{ return(adapter.dispatch('bronze_offset_epoch', 'clickstream')(relation, alias)) }}
{%- endmacro %}

{#- DuckDB reads Bronze Parquet in place: ask the files (their schema only) for the column. -#}
{% macro duckdb__bronze_offset_epoch(relation, alias) -%}
  {%- set has_column = true -%}
  {%- if execute -%}
    {%- set probe = run_query('select * from ' ~ relation ~ ' limit 0') -%}
    {%- set has_column = '_offset_epoch' in probe.column_names -%}
  {%- endif -%}
  {%- if has_column -%} coalesce({{ alias }}._offset_epoch, 0) {%- else -%} 0 {%- endif -%}
{%- endmacro %}

{#- BigQuery's Bronze views read staging, whose tables the writer gives the column at open. -#}
{% macro default__bronze_offset_epoch(relation, alias) -%}
  coalesce({{ alias }}._offset_epoch, 0)
{%- endmacro %}
