{#- An option label folded to the material or gemstone it names: the spellings of EVENTS.md
    (alloy; diamond; stone, stone2, "stone 2", stone3; pear = pearl; German "steinbesatz"
    labels) collapse to alloy / diamond / stone / pearl; anything else is 'other'. -#}
{% macro option_group(label) -%}
  case
    when {{ label }} is null then 'other'
    when lower(trim({{ label }})) in ('alloy', 'metal', 'legierung', 'material') then 'alloy'
    when lower(trim({{ label }})) like 'diamond%' or lower(trim({{ label }})) like 'diamant%' then 'diamond'
    when lower(trim({{ label }})) like 'pear%' or lower(trim({{ label }})) like 'perle%' then 'pearl'
    when lower(trim({{ label }})) like 'stone%' or lower(trim({{ label }})) like '%steinbesatz%'
      or lower(trim({{ label }})) like 'gem%' then 'stone'
    else 'other'
  end
{%- endmacro %}
