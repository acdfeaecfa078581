#!/usr/bin/env bash
# Writes a man page (roff) from a program's own --help, so the page never drifts from the options the program
# parses: the overview's command list, then, for trustct-cli, every subcommand's `--help`.
# usage: help2man.sh PROGRAM NAME "ONE-LINE DESCRIPTION" OUT.1 [subcommands]
set -euo pipefail
program=$1 name=$2 description=$3 out=$4 subcommands=${5:-}
export QT_QPA_PLATFORM=offscreen  # the GUI prints its help without a display
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# Help text to roff: "  -x, --opt VALUE   text" (two or more spaces before the text) becomes a tagged
# paragraph, deeper-indented lines continue it, other lines are plain text; backslashes and leading dots escaped.
to_roff() {
  awk '
    function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); sub(/^[.\047]/, "\\\\\\&&", s); return s }
    /^[ ]*$/ { print ".PP"; next }
    /^  [-a-z][^ ]*( [^ ]+)*  +[^ ]/ && !/^   / {
      line = substr($0, 3); split(line, parts, /  +/); tag = parts[1]; text = substr(line, length(tag) + 1)
      sub(/^ +/, "", text); print ".TP"; print "\\fB" esc(tag) "\\fR"; print esc(text); next }
    /^   +[^ ]/ { text = $0; sub(/^ +/, "", text); print esc(text); next }
    { print esc($0) }'
}
{
  echo ".TH $(tr a-z A-Z <<<"$name") 1 \"$(date -u -r "$program" +%Y-%m-%d)\" \"TrustCT\" \"User Commands\""
  echo ".SH NAME"
  echo "$name \\- $description"
  echo ".SH DESCRIPTION"
  "$program" --help 2>/dev/null | grep -v "^QStandardPaths" | sed "s#$program#$name#g" | to_roff
  for command in $subcommands; do
    echo ".SH \"$(tr a-z A-Z <<<"$command")\""
    "$program" "$command" --help 2>/dev/null | to_roff
  done
  echo ".SH SEE ALSO"
  echo "The radiologist's and researcher's guides in /usr/share/doc/trustct and the project's docs/."
} > "$tmp"
grep -q "^\.TP" "$tmp" || { echo "help2man.sh: $program --help listed no options" >&2; exit 1; }
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
