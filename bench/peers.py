"""Set-up of the SHACL engines the validation benchmark compares lmsgraph with.

- Apache Jena SHACL from Debian's ``libapache-jena-java`` (installed with apt when missing).
  Debian ships the jars only, and two things keep them from running as they are (see
  ``../shared/notes/jena-on-debian.md`` in the workplace): a class path of every jar in
  ``/usr/share/java`` brings two SLF4J bindings together, so the class path is chosen jar by
  jar; and Debian moved Jena's shaded Xerces classes to ``xerces.*`` while leaving their
  message bundles under ``org/apache/jena/ext/xerces/``, so every datatype check dies with
  "internal error". A small jar holding those bundles at the moved path, built here under
  ``bench/.cache``, puts them back.
- pyrudof (PyPI), installed into the running environment with pip when missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
JAVA_DIR = Path("/usr/share/java")
JENA_JARS = (
    "jena-base",
    "jena-core",
    "jena-arq",
    "jena-iri",
    "jena-shacl",
    "jena-cmds",
    "jena-dboe-base",
    "jena-dboe-index",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "jena-tdb",
    "jena-tdb2",
    "jena-rdfconnection",
    "jena-shex",
)
SUPPORT_JARS = (
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jakarta.json-api",
    "jsonld-java",
    "protobuf",
    "thrift",
    "titanium-json-ld",
    "slf4j-api",
    "slf4j-simple",
    "jcl-over-slf4j",
)
BUNDLES_FROM = "org/apache/jena/ext/xerces/"
BUNDLES_TO = "xerces/"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _apt_install(package: str) -> None:
    prefix = [] if os.geteuid() == 0 else (["sudo", "-E"] if shutil.which("sudo") else None)
    if prefix is None:
        raise RuntimeError(f"{package} is needed and this user cannot install it (not root, no sudo)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log(f"installing {package} with apt")
    subprocess.run([*prefix, "apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", package], env=env, check=True
    )


def _message_bundles_jar() -> Path:
    target = CACHE / "jena-xerces-message-bundles.jar"
    if target.is_file():
        return target
    CACHE.mkdir(exist_ok=True)
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as source, zipfile.ZipFile(partial, "w") as out:
        moved = 0
        for name in source.namelist():
            if name.startswith(BUNDLES_FROM) and name.endswith(".properties"):
                out.writestr(BUNDLES_TO + name[len(BUNDLES_FROM) :], source.read(name))
                moved += 1
    if not moved:
        partial.unlink()
        raise RuntimeError(f"no message bundles under {BUNDLES_FROM} in jena-core.jar")
    partial.rename(target)
    return target


def jena_command() -> list[str]:
    """``java … shacl.shacl``, ready for ``validate --shapes S --data D``."""
    if not shutil.which("java"):
        _apt_install("default-jre-headless")
    if not (JAVA_DIR / "jena-shacl.jar").is_file():
        _apt_install("libapache-jena-java")
    jars = []
    for name in JENA_JARS + SUPPORT_JARS:
        jar = JAVA_DIR / f"{name}.jar"
        if not jar.is_file():
            raise RuntimeError(f"{jar} is missing: Jena cannot run without it")
        jars.append(str(jar))
    jars.append(str(_message_bundles_jar()))
    return ["java", "-Xmx8g", "-cp", ":".join(jars), "shacl.shacl"]


def jena_version() -> str:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "libapache-jena-java"], capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown version"


def ensure_pyrudof() -> str:
    """The installed pyrudof version, installing it with pip when missing."""
    try:
        import pyrudof
    except ImportError:
        log("installing pyrudof with pip")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pyrudof"], check=True)
        import pyrudof
    from importlib.metadata import version

    del pyrudof
    return version("pyrudof")
