"""Write the files cxsite ships prebuilt in cxsite/prebuilt/, from the installed packages:

- vega-bundle-<vl-convert version>.js: Vega, Vega-Lite and vega-embed as vl-convert bundles
  them (it bundles on every call, about a second);
- chart-templates.json: the Vega-Lite chart templates as altair builds them, with the key
  (altair's version and the templates' code) they were built under.

A build uses them when the installed versions match, and otherwise makes its own. Run this
after upgrading altair or vl-convert-python, or editing the templates in cxsite/site/charts.py;
tests/test_prebuilt.py fails until then.

    .venv/bin/python scripts/prebuild.py
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from cxsite.site.charts import SHIPPED_TEMPLATES, build_templates, templates_key
from cxsite.theme import PREBUILT, make_vega_bundle, shipped_vega_bundle_name

FOLDER = Path(__file__).resolve().parent.parent / "cxsite" / PREBUILT


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    for old in FOLDER.glob(shipped_vega_bundle_name("*")):
        old.unlink()
    bundle = FOLDER / shipped_vega_bundle_name(version("vl-convert-python"))
    bundle.write_bytes(make_vega_bundle())
    templates = {"key": templates_key(), "templates": build_templates()}
    text = json.dumps(templates, indent=1, sort_keys=True) + "\n"
    (FOLDER / SHIPPED_TEMPLATES).write_text(text, encoding="utf-8")
    print(f"wrote {bundle.name} and {SHIPPED_TEMPLATES} in {FOLDER}")


if __name__ == "__main__":
    main()
