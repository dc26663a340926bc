"""Make the built site work without internet: serve CDN scripts and styles locally.

The HTML that Jupyter Book, folium and ipywidgets write loads a few libraries from CDNs
(Leaflet, d3, RequireJS, the Jupyter widget manager, MathJax). Workshop venues often have
no internet, and this project's CI reaches only package registries. This script finds
every CDN URL in ``_build/html`` (including those escaped inside folium's ``srcdoc``
iframes), fetches the same package version from the **npm registry**, unpacks it under
``_static/vendor/<package>@<version>/`` and rewrites each URL to a relative path.

Usage::

    python .ci/offline_assets.py [SITE_DIR] [--cache DIR] [--check]

SITE_DIR is one edition of the site (``_build/html/fr``: it has a ``_static`` folder) or
the site of every edition (``_build/html``, the default: each ``<lang>/`` edition is
processed on its own, so that each one is self-contained).

``--check`` only lists the CDN URLs and the npm files they map to. Tarballs are cached
(default ``~/.cache/gpec-npm``), so a second run needs no network. URLs that cannot be
mapped are reported and make the script exit with status 1: add them to ``CDNJS`` or
stop using them. ``_static/vendor/MANIFEST.json`` lists every file with its package,
version and licence (for the offline kit's licence notice).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tarfile
import urllib.request
from html import unescape
from pathlib import Path, PurePosixPath

REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")
CDN_HOSTS = r"cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|code\.jquery\.com|netdna\.bootstrapcdn\.com"
# A CDN URL in a src/href, raw or HTML-escaped (folium's iframe srcdoc escapes quotes).
URL_RE = re.compile(rf"https://(?:{CDN_HOSTS})/[^\"'&<>\s)]+")

# URLs that appear in the pages but are never loaded offline, with the reason.
IGNORED = {
    "https://unpkg.com/thebe@": "sphinx-thebe constant; live code (thebe) is off and needs Binder anyway",
}

LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "package.json")

# cdnjs names -> (npm package, {cdnjs file: file in the npm package})
CDNJS = {
    "require.js": ("requirejs", {"require.min.js": "require.js", "require.js": "require.js"}),
    "d3": ("d3", {}),
    "Leaflet.awesome-markers": (
        "drmonty-leaflet-awesome-markers",
        {
            "leaflet.awesome-markers.js": "js/leaflet.awesome-markers.js",
            "leaflet.awesome-markers.css": "css/leaflet.awesome-markers.css",
        },
    ),
}


def npm_target(url: str) -> tuple[str, str, str] | None:
    """Return ``(package, version or range, path in package)`` for a CDN URL, or None.

    >>> npm_target("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
    ('leaflet', '1.9.3', 'dist/leaflet.js')
    >>> npm_target("https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/embed-amd.js")
    ('@jupyter-widgets/html-manager', '1.0.6', 'dist/embed-amd.js')
    >>> npm_target("https://code.jquery.com/jquery-3.7.1.min.js")
    ('jquery', '3.7.1', 'dist/jquery.min.js')
    >>> npm_target("https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js")
    ('requirejs', '2.3.4', 'require.js')
    """
    m = re.match(
        r"https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/((?:@[^/]+/)?[^/@]+)@([^/]+)/(.+)", url
    )
    if m:
        return m.group(1), m.group(2), m.group(3)
    m = re.match(r"https://code\.jquery\.com/jquery-([\d.]+)(\.min)?\.js$", url)
    if m:
        return "jquery", m.group(1), f"dist/jquery{m.group(2) or ''}.js"
    m = re.match(r"https://cdnjs\.cloudflare\.com/ajax/libs/([^/]+)/([^/]+)/(.+)", url)
    if m and m.group(1) in CDNJS:
        package, files = CDNJS[m.group(1)]
        return package, m.group(2), files.get(m.group(3), m.group(3))
    return None


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https registry)
        return response.read()


def resolve_version(package: str, spec: str, cache: Path) -> tuple[str, str, str]:
    """Return ``(exact version, tarball URL, licence)``; ``spec`` may be "3" or "3.2"."""
    meta_path = cache / (package.replace("/", "__") + ".json")
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
    else:
        meta = json.loads(_get(f"{REGISTRY}/{package.replace('/', '%2F')}"))
        meta = {
            "versions": {
                v: {"dist": d["dist"], "license": d.get("license")}
                for v, d in meta["versions"].items()
            }
        }
        meta_path.write_text(json.dumps(meta))
    versions = meta["versions"]
    if spec not in versions:
        prefix = spec + "."
        candidates = [v for v in versions if v.startswith(prefix) and re.fullmatch(r"[\d.]+", v)]
        if not candidates:
            raise LookupError(f"{package}@{spec} is not on the npm registry")
        spec = max(candidates, key=lambda v: tuple(int(x) for x in v.split(".")))
    info = versions[spec]
    licence = info.get("license")
    if isinstance(licence, dict):
        licence = licence.get("type")
    _INTEGRITY[info["dist"]["tarball"]] = info["dist"].get("integrity", "")
    return spec, info["dist"]["tarball"], str(licence or "see package")


_INTEGRITY: dict[str, str] = {}


def _check_integrity(data: bytes, tarball: str) -> None:
    """Compare a tarball with the registry's Subresource Integrity string (sha512)."""
    import base64
    import hashlib

    expected = _INTEGRITY.get(tarball, "")
    if not expected.startswith("sha512-"):
        return
    actual = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise ValueError(f"{tarball}: checksum differs from the registry's ({expected[:20]}...)")


def unpack(package: str, version: str, tarball: str, path: str, vendor: Path, cache: Path) -> Path:
    """Unpack the top-level folder holding *path* (or the file itself) and return the file."""
    archive = cache / f"{package.replace('/', '__')}-{version}.tgz"
    if not archive.is_file():
        data = _get(tarball)
        _check_integrity(data, tarball)
        archive.write_bytes(data)
    _check_integrity(archive.read_bytes(), tarball)
    target_root = vendor / f"{package.replace('/', '__')}@{version}"
    parts = PurePosixPath(path).parts
    keep = parts[0] if len(parts) > 1 else path
    with tarfile.open(fileobj=io.BytesIO(archive.read_bytes()), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = PurePosixPath(member.name)
            inner = PurePosixPath(*name.parts[1:]) if len(name.parts) > 1 else None
            if inner is None or not member.isfile():
                continue
            at_root = len(parts) == 1 and len(inner.parts) == 1  # small packages: all root files
            if inner.parts[0] != keep and not at_root and inner.name not in LICENCE_FILES:
                continue
            out = target_root / inner
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(tar.extractfile(member).read())
    local = target_root / path
    if not local.is_file():
        # jsDelivr minifies on the fly: "x.min.js" may exist only as "x.js" in the package.
        plain = target_root / re.sub(r"\.min\.(js|css)$", r".\1", path)
        if plain.is_file():
            local.write_bytes(plain.read_bytes())
        else:
            raise FileNotFoundError(f"{package}@{version} has no file {path}")
    return local


def localise(site: Path, cache: Path, *, check: bool = False) -> int:
    """Rewrite every CDN URL under *site*; return the number of unmapped URLs."""
    pages = sorted(site.rglob("*.html"))
    found: dict[str, set[Path]] = {}
    for page in pages:
        for url in set(URL_RE.findall(page.read_text(encoding="utf-8"))):
            found.setdefault(unescape(url), set()).add(page)
    vendor = site / "_static" / "vendor"
    cache.mkdir(parents=True, exist_ok=True)
    manifest, unmapped = {}, []
    for url in sorted(found):
        if re.fullmatch(r"https://[^/]+/(npm/)?", url):
            continue  # a CDN base (widget module loader), not a file: nothing to serve
        if any(url.startswith(prefix) for prefix in IGNORED):
            continue
        target = npm_target(url)
        if target is None:
            unmapped.append(url)
            continue
        package, spec, path = target
        if check:
            print(f"{url}\n    -> npm {package}@{spec} {path}")
            continue
        version, tarball, licence = resolve_version(package, spec, cache)
        local = unpack(package, version, tarball, path, vendor, cache)
        manifest[url] = {
            "file": str(local.relative_to(site)),
            "package": package,
            "version": version,
            "license": licence,
        }
    for url in unmapped:
        print(f"UNMAPPED CDN URL (add it to CDNJS or stop using it): {url}", file=sys.stderr)
    if check:
        return len(unmapped)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        new = text
        for url, entry in manifest.items():
            rel = os.path.relpath(site / entry["file"], page.parent)
            new = new.replace(url, rel)
        # Subresource-integrity hashes were for the CDN's file; ours comes from the npm
        # tarball checked against the registry's sha512, so drop them on local assets.
        new = re.sub(
            r"<(?:script|link)\b[^>]*_static/vendor/[^>]*>",
            lambda tag: re.sub(r'\s+integrity="[^"]*"', "", tag.group(0)),
            new,
        )
        if new != text:
            page.write_text(new, encoding="utf-8")
    vendor.mkdir(parents=True, exist_ok=True)
    # A re-run (incremental build) finds only the pages that changed: keep earlier entries.
    previous = vendor / "MANIFEST.json"
    if previous.is_file():
        manifest = {**json.loads(previous.read_text()), **manifest}
    (vendor / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    packages = sorted({(e["package"], e["version"], e["license"]) for e in manifest.values()})
    print(f"{len(manifest)} CDN files served locally from {len(packages)} npm packages:")
    for package, version, licence in packages:
        print(f"  {package}@{version} ({licence})")
    return len(unmapped)


def editions(site: Path) -> list[Path]:
    """Return the editions under *site*: itself if it is one, else its ``<lang>/`` editions.

    An edition is a Sphinx HTML output (an ``index.html`` and a ``_static`` folder).
    """
    if (site / "_static").is_dir():
        return [site]
    return sorted(
        p for p in site.iterdir() if (p / "_static").is_dir() and (p / "index.html").is_file()
    )


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", default="_build/html", type=Path)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "gpec-npm")
    parser.add_argument(
        "--check", action="store_true", help="only list the URLs and their npm files"
    )
    args = parser.parse_args()
    found = editions(args.site) if args.site.is_dir() else []
    if not found:
        sys.exit(f"{args.site} holds no built site: build the book first (make book).")
    unmapped = sum(localise(edition, args.cache, check=args.check) for edition in found)
    sys.exit(1 if unmapped else 0)


if __name__ == "__main__":
    main()
