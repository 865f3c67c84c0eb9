# The record's rule for numbers that are not there (results/SCHEMA.md, schema
# version 2), checked over one record: prints one line per breach, nothing
# when the record keeps the rule.
#   jq -r -f tests/record_schema.jq RECORD...
# A number is a number or null, never a string; a null number (or a null entry
# of a list of numbers) has its reason in the holding object's `unavailable`,
# keyed by the field; `unavailable` names only fields that are null there.
# Text fields that may be null by their own meaning: reason, known_defect,
# valid (not validated), note.
def nullable_text: IN("reason", "known_defect", "valid", "note");
def holds_null: . == null or (type == "array" and any(.[]; . == null));
def numbered: [.results, .claims, .machine.peak];
input_filename as $file
| if .schema_version != 2 then "\($file): schema_version \(.schema_version), not 2" else
    (numbered | paths(type == "string" and startswith("unavailable (")) as $p
     | "\($file): \((["results", "claims", "machine.peak"][$p[0]]) + ($p[1:] | map("." + tostring) | join(""))): a number written as text"),
    (numbered | .. | objects | . as $o | to_entries[]
     | .key as $k
     | select($k != "unavailable" and (.value | holds_null) and ($k | nullable_text | not)
              and (($o.unavailable // {}) | has($k) | not))
     | "\($file): \(.key) is null without a reason in unavailable"),
    (numbered | .. | objects | select(has("unavailable")) | . as $o | .unavailable
     | if type != "object" then "\($file): unavailable is not an object" else
         to_entries[] | select((.value | type) != "string" or (.value | length) == 0
                               or ($o[.key] | holds_null | not))
         | "\($file): unavailable.\(.key) names no null field, or gives no reason" end),
    (.results[] | select((.reps | type) != "number") | "\($file): \(.name): reps is not a number")
  end
