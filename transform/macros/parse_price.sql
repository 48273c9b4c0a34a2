{#- Price text as the shop sends it -> a number, in one place. Formats seen (EVENTS.md):
    "880.00", "1.234,56", "1 278,00" (no-break space), "1,234.56", "1'234.00", "12٫345" (Arabic
    decimal separator), "0,00", with or without a currency sign. Rules:
    1. keep digits and separators (. , ' and the Arabic ٫ ٬ mapped to . and ,), trim separators
       at both ends (signs such as "лв." end in a dot);
    2. the last . or , is the decimal separator when 1 or 2 digits follow it, or 3 digits for a
       currency shown with 3 decimals (KWD); otherwise every separator groups thousands;
    3. what is left of the decimal separator is plain digits or groups of 3 with one kind of
       separator, different from the decimal one; anything else is 'unparsed' (null), never a
       guess. A missing or empty price is 'missing'. -#}

{% macro price_clean(raw) -%}
  {%- set arabic = "replace(replace(" ~ raw ~ ", '٫', '.'), '٬', ',')" -%}
  {%- set kept = regex_replace_all(arabic, "'[^0-9.,\\x27]'", "''") -%}
  {{ regex_replace_all(kept, "'^[.,\\x27]+|[.,\\x27]+$'", "''") }}
{%- endmacro %}

{#- Digits after the last . or , (null when none). -#}
{% macro price_tail(clean) -%}
  {{ regex_group(clean, "'[.,]([0-9]+)$'") }}
{%- endmacro %}

{#- Whether the tail is a decimal part, given the currency's shown decimals. -#}
{% macro price_has_decimals(tail, decimals) -%}
  coalesce({{ tail }} is not null and (length({{ tail }}) <= 2 or (length({{ tail }}) = 3 and coalesce({{ decimals }}, 2) = 3)), false)
{%- endmacro %}

{#- The part left of the decimal separator (all of it when there is none). -#}
{% macro price_whole(clean, tail, has_decimals) -%}
  case when {{ has_decimals }}
    then substr({{ clean }}, 1, length({{ clean }}) - length({{ tail }}) - 1)
    else {{ clean }} end
{%- endmacro %}

{#- Whether the cleaned text follows the rules (columns computed by the macros above). -#}
{% macro price_is_valid(clean, tail, has_decimals, whole) -%}
  coalesce(
    {{ regex_contains(clean, "'[0-9]'") }}
    and ({{ regex_contains(whole, "'^[0-9]+$'") }}
         or ({{ regex_contains(whole, "'^[0-9]{1,3}([.,\\x27][0-9]{3})+$'") }}
             and not ({{ regex_contains(whole, "'[.]'") }} and {{ regex_contains(whole, "'[,]'") }})))
    and not ({{ has_decimals }}
             and {{ regex_contains(whole, "'[.,]'") }}
             and substr({{ clean }}, length({{ clean }}) - length({{ tail }}), 1)
                 = {{ regex_group(whole, "'([.,])'") }}),
    false)
{%- endmacro %}

{#- The price as a number (money type), or null when missing or unparsed. -#}
{% macro price_value(tail, has_decimals, whole, valid) -%}
  case when {{ valid }} then cast(
    {{ regex_replace_all(whole, "'[^0-9]'", "''") }}
    || case when {{ has_decimals }} then '.' || {{ tail }} else '' end
    as {{ money_type() }}) end
{%- endmacro %}

{#- 'missing', 'parsed' or 'unparsed'. -#}
{% macro price_status(raw, valid) -%}
  case
    when {{ raw }} is null or trim({{ raw }}) = '' then 'missing'
    when {{ valid }} then 'parsed'
    else 'unparsed'
  end
{%- endmacro %}
