#!/usr/bin/env bash
# Re-makes the README's pictures (docs/images/*.png): the first page of one document of each
# kind from the committed output/, at 40 dpi, with poppler's pdftoppm.
#
#   scripts/readme-images.sh        # after `zyz build` has refreshed output/
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pdftoppm >/dev/null || { echo "pdftoppm (poppler-utils) is needed" >&2; exit 2; }
out=output/2025
picture() { # NAME PDF
  pdftoppm -f 1 -l 1 -r 40 -png -singlefile "$2" "docs/images/$1"
}
picture application "$out/towns/kaizhang/application.pdf"
picture action-plan "$out/city/action-plan.pdf"
picture town-action-plan "$out/towns/kaizhang/action-plan.pdf"
picture ranking "$out/city/ranking.pdf"
picture commendation "$out/city/commendation.pdf"
picture supervision-notice "$out/towns/kaizhang/supervision-notice.pdf"
picture ledger "$out/city/ledger.pdf"
picture designation-notice "$out/city/designation-notice.pdf"
picture designation "$out/city/designation.pdf"
picture cultivation-plan "$out/towns/chengdong/cultivation-plan.pdf"
picture annual-report "$out/city/annual-report.pdf"
picture reminder "$out/towns/zhangying/reminder.pdf"
picture circular "$out/towns/puzhou/circular.pdf"
