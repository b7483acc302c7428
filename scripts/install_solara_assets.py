"""Install Solara's front-end assets into its local cache, from the npm registry.

solara-server fetches its JavaScript and CSS from a public CDN on first request and caches
them under `<venv>/share/solara/cdn/`. On a machine without internet access (CI) each
fetch fails and the page stays blank. This script `npm pack`s the same package versions
and unpacks them into that cache (the CDN's files are the npm tarballs' files, byte for
byte). Users with internet access do not need it.

    python scripts/install_solara_assets.py      # needs `npm`; idempotent
"""

from __future__ import annotations

import argparse
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from typing import Any


def _solara() -> tuple[pathlib.Path, pathlib.Path, Any]:
    """Solara's package folder, its asset cache and settings.

    Imported only when needed: importing solara creates its (empty) cache folder, which
    `--help` or a mistyped option must not leave behind.
    """
    import solara
    import solara.server.settings as settings

    return pathlib.Path(solara.__file__).parent, pathlib.Path(settings.assets.proxy_cache_dir), settings


def required() -> list[str]:
    """The package@version specs the page loads: the app shell, fonts, charts (echarts), Markdown."""
    import ipyvue

    package, _, settings = _solara()
    vue3 = ipyvue.__version__.startswith("3")
    template = (package / "server/templates/solara.html.j2").read_text()
    app = "solara-vuetify3-app" if vue3 else "solara-vuetify-app"
    specs = set(re.findall(rf"(@widgetti/{re.escape(app)}@[0-9][^/]*)/", template))
    specs |= set(re.findall(r"(requirejs@[0-9][^/]*)/", template))
    specs.add("font-awesome@" + settings.assets.fontawesome_path.split("@")[1].split("/")[0])
    grid = (package / "widgets/vue" / ("gridlayout_v3.vue" if vue3 else "gridlayout.vue")).read_text()
    specs |= set(re.findall(r"(@widgetti/vue-grid-layout@[^/]+)/", grid))
    echarts = (package / "components/echarts.vue").read_text()  # the app's charts
    specs |= {f"echarts@{v}" for v in re.findall(r'const version = "([0-9.]+)"', echarts)}
    markdown = (package / "components/markdown.py").read_text()  # solara.Markdown: mermaid, KaTeX
    specs |= set(re.findall(r"getCdn\(\)\}/((?:@[\w-]+/)?[\w.-]+@[0-9][\w.-]*)/", markdown))
    return sorted(specs)


def install(spec: str) -> None:
    """npm pack one package and unpack it (without its package/ prefix) into the cache."""
    target = _solara()[1] / spec
    if target.is_dir() and any(target.iterdir()):
        print(f"present   {spec}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        packed = (
            subprocess.run(
                ["npm", "pack", spec, "--pack-destination", tmp, "--silent"],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(pathlib.Path(tmp) / packed) as archive:
            for member in archive.getmembers():
                parts = pathlib.PurePosixPath(member.name).parts
                if len(parts) < 2 or ".." in parts or not (member.isfile() or member.isdir()):
                    continue
                member.name = str(pathlib.PurePosixPath(*parts[1:]))
                archive.extract(member, target, filter="data")
    print(f"installed {spec}")


def main(argv: list[str] | None = None) -> int:
    """Install every asset the page needs; one line and exit 1 when npm cannot fetch them."""
    first, _, rest = __doc__.strip().partition("\n")
    parser = argparse.ArgumentParser(
        description=first, epilog=rest.strip(), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--list", action="store_true", help="print the package@version specs the page needs, install nothing"
    )
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(required()))
        return 0
    _solara()[1].mkdir(parents=True, exist_ok=True)
    if shutil.which("npm") is None:
        print(
            "install_solara_assets: npm is not installed (e.g. `apt-get install npm`); without it, "
            "or the public CDN, the app's page stays blank",
            file=sys.stderr,
        )
        return 1
    for spec in required():
        try:
            install(spec)
        except subprocess.CalledProcessError as error:
            reason = (error.stderr or "").strip().splitlines()[-1:] or ["no reason given"]
            print(f"install_solara_assets: npm could not fetch {spec}: {reason[0]}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
