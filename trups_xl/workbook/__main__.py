"""``python -m trups_xl.workbook [PATH]`` rewrites the model workbook."""

from trups_xl.workbook.package import main

raise SystemExit(main())
