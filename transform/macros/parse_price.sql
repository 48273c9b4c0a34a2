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
  ({{ tail }} is not null and (length({{ tail }}) <= 2 or (length({{ tail }}) = 3 and coalesce({{ decimals }}, 2) = 3)))
{%- endmacro %}

{% macro price_integer_part(clean, tail, decimals) -%}
  case when {{ price_has_decimals(tail, decimals) }}
    then substr({{ clean }}, 1, length({{ clean }}) - length({{ tail }}) - 1)
    else {{ clean }} end
{%- endmacro %}

{% macro price_is_valid(clean, tail, decimals) -%}
  {%- set whole = price_integer_part(clean, tail, decimals) -%}
  ({{ regex_contains(clean, "'[0-9]'") }}
   and ({{ regex_contains(whole, "'^[0-9]+$'") }}
        or ({{ regex_contains(whole, "'^[0-9]{1,3}([.,\\x27][0-9]{3})+$'") }}
            and not ({{ regex_contains(whole, "'[.]'") }} and {{ regex_contains(whole, "'[,]'") }})))
   and not ({{ price_has_decimals(tail, decimals) }}
            and {{ regex_contains(whole, "'[.,]'") }}
            and substr({{ clean }}, length({{ clean }}) - length({{ tail }}), 1)
                = {{ regex_group(whole, "'([.,])'") }}))
{%- endmacro %}

{#- The price as a number (money type), or null when missing or unparsed. -#}
{% macro price_value(clean, tail, decimals) -%}
  case when {{ price_is_valid(clean, tail, decimals) }} then cast(
    {{ regex_replace_all(price_integer_part(clean, tail, decimals), "'[^0-9]'", "''") }}
    || case when {{ price_has_decimals(tail, decimals) }} then '.' || {{ tail }} else '' end
    as {{ money_type() }}) end
{%- endmacro %}

{#- 'missing', 'parsed' or 'unparsed'. -#}
{% macro price_status(raw, clean, tail, decimals) -%}
  case
    when {{ raw }} is null or trim({{ raw }}) = '' then 'missing'
    when {{ price_is_valid(clean, tail, decimals) }} then 'parsed'
    else 'unparsed'
  end
{%- endmacro %}
