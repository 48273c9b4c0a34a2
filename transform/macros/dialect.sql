{#- Where DuckDB and BigQuery spell a thing differently: one dispatched macro per thing. -#}

{#- Replaces every match of the RE2 `pattern` (a SQL string literal). -#}
{% macro regex_replace_all(text, pattern, replacement) -%}
  {{ return(adapter.dispatch('regex_replace_all', 'clickstream')(text, pattern, replacement)) }}
{%- endmacro %}
{% macro duckdb__regex_replace_all(text, pattern, replacement) -%}
  regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}
{% macro default__regex_replace_all(text, pattern, replacement) -%}
  regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{#- The first capture group of the RE2 `pattern`, or null when it does not match. -#}
{% macro regex_group(text, pattern) -%}
  {{ return(adapter.dispatch('regex_group', 'clickstream')(text, pattern)) }}
{%- endmacro %}
{% macro duckdb__regex_group(text, pattern) -%}
  case when regexp_matches({{ text }}, {{ pattern }}) then regexp_extract({{ text }}, {{ pattern }}, 1) end
{%- endmacro %}
{% macro default__regex_group(text, pattern) -%}
  regexp_extract({{ text }}, {{ pattern }})
{%- endmacro %}

{#- Whether the RE2 `pattern` matches somewhere in `text`. -#}
{% macro regex_contains(text, pattern) -%}
  {{ return(adapter.dispatch('regex_contains', 'clickstream')(text, pattern)) }}
{%- endmacro %}
{% macro duckdb__regex_contains(text, pattern) -%}
  regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}
{% macro default__regex_contains(text, pattern) -%}
  regexp_contains({{ text }}, {{ pattern }})
{%- endmacro %}

{#- A join clause exploding `list` into rows: the element as `item`, its position as `pos`
    (read it with `unnest_position(pos)`, which counts from 1 on both). -#}
{% macro unnest_numbered(list, item, pos) -%}
  {{ return(adapter.dispatch('unnest_numbered', 'clickstream')(list, item, pos)) }}
{%- endmacro %}
{% macro duckdb__unnest_numbered(list, item, pos) -%}
  cross join unnest({{ list }}) with ordinality as _{{ item }}({{ item }}, {{ pos }})
{%- endmacro %}
{% macro default__unnest_numbered(list, item, pos) -%}
  cross join unnest({{ list }}) as {{ item }} with offset as {{ pos }}
{%- endmacro %}
{% macro unnest_position(pos) -%}
  {{ return(adapter.dispatch('unnest_position', 'clickstream')(pos)) }}
{%- endmacro %}
{% macro duckdb__unnest_position(pos) -%} {{ pos }} {%- endmacro %}
{% macro default__unnest_position(pos) -%} ({{ pos }} + 1) {%- endmacro %}

{#- Epoch milliseconds to a UTC timestamp (DuckDB: TIMESTAMP, BigQuery: TIMESTAMP). -#}
{% macro epoch_ms_to_timestamp(ms) -%}
  {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'clickstream')(ms)) }}
{%- endmacro %}
{% macro duckdb__epoch_ms_to_timestamp(ms) -%}
  epoch_ms({{ ms }})
{%- endmacro %}
{% macro default__epoch_ms_to_timestamp(ms) -%}
  timestamp_millis({{ ms }})
{%- endmacro %}

{#- The exact type money is kept in. -#}
{% macro money_type() -%}
  {{ return(adapter.dispatch('money_type', 'clickstream')()) }}
{%- endmacro %}
{% macro duckdb__money_type() -%} decimal(18, 4) {%- endmacro %}
{% macro default__money_type() -%} numeric {%- endmacro %}

{#- `value` rounded to 4 decimals in the money type (DuckDB divides decimals into doubles). -#}
{% macro to_money(value) -%}
  cast(round({{ value }}, 4) as {{ money_type() }})
{%- endmacro %}

{#- The text type. -#}
{% macro text_type() -%} {{ dbt.type_string() }} {%- endmacro %}
