#!/usr/bin/env bash
# Render every sheet of a workbook as a person sees it: recalculate headlessly (so the
# TRUPS_* cells hold values), let LibreOffice print it to PDF, and split the PDF into PNGs.
# Needs Debian's libreoffice-calc and poppler-utils:
#   apt-get install -y libreoffice-calc poppler-utils
# Usage: scripts/render_workbook.sh [WORKBOOK] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
workbook=${1:-workbooks/citigroup_capital_xxi.xlsx}
outdir=${2:-out/render}
trups=${TRUPS_XL:-.venv/bin/trups-xl}
command -v soffice >/dev/null || { echo "soffice not found: apt-get install -y libreoffice-calc poppler-utils" >&2; exit 1; }
mkdir -p "$outdir"
name=$(basename "$workbook" .xlsx)
# LibreOffice does not know the TRUPS_* functions: print the recalculated copy, whose
# cells carry the values the add-in computed, and forbid LibreOffice to recalculate it.
# Exit 1 means some cells hold errors: the pages still show them, so render and say so.
status=0
"$trups" recalc "$workbook" -o "$outdir/$name.values.xlsx" >"$outdir/$name.recalc.txt" || status=$?
if [ "$status" -eq 1 ]; then
  echo "note: $workbook has error cells (listed in $outdir/$name.recalc.txt); rendering them as they are" >&2
elif [ "$status" -ne 0 ]; then
  cat "$outdir/$name.recalc.txt" >&2
  exit "$status"
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice --headless --norestore "-env:UserInstallation=file://$profile" \
  --convert-to pdf --outdir "$outdir" "$outdir/$name.values.xlsx" >/dev/null
rm -f "$outdir/$name"-*.png
pdftoppm -r 120 -png "$outdir/$name.values.pdf" "$outdir/$name"
ls "$outdir"/*.png
