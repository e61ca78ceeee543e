"""The offline bundles in dist/, as a clerk gets them (`make dist-check` builds them, then runs these).

Linux x86_64 is installed for real with the network cut off (`unshare -n`) and used; every other platform's
bundle must resolve nianbao's whole dependency set from its own wheels/ for each supported CPython.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT
from test_packaging import build

pytestmark = pytest.mark.bundle
DIST = Path(os.environ.get("NIANBAO_DIST", ROOT / "dist"))
EXAMPLE = ROOT / "examples" / "青石街道-2025.yaml"
REPORT = "青石街道办事处2025年政府信息公开工作年度报告"


def clean_pip_env(**extra: str) -> dict[str, str]:
    """No PIP_* variable or pip.conf of this machine (its find-links would hide a missing wheel)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return {**env, "PIP_CONFIG_FILE": os.devnull, **extra}


def our_wheel() -> Path:
    wheels = sorted(DIST.glob("nianbao-*.whl"))
    if not wheels:
        pytest.skip(f"{DIST} has no bundles: run `make dist-check` (or `make dist` first)")
    return wheels[0]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """Each platform's bundle unpacked once: platform name -> its folder."""
    folders: dict[str, Path] = {}

    def unpack(name: str) -> Path:
        if name not in folders:
            archive = DIST / f"{our_wheel().name.split('-')[0]}-{our_wheel().name.split('-')[1]}-{name}.zip"
            assert archive.exists(), f"make dist wrote no bundle for {name}"
            target = tmp_path_factory.mktemp(name)
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(target)
                for info in bundle.infolist():  # extractall drops the execute bit
                    if info.external_attr >> 16 & 0o111:
                        (target / info.filename).chmod(info.external_attr >> 16 & 0o777)
            folders[name] = target / archive.stem
        return folders[name]

    return unpack


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(build.PLATFORMS))
def test_bundle_holds_our_wheel_installer_readme_and_checksums_that_match(name, unpacked):
    folder = unpacked(name)
    wheel = our_wheel()
    assert sha256(folder / "wheels" / wheel.name) == sha256(wheel)
    installer = "安装.bat" if build.PLATFORMS[name].windows else "install.sh"
    assert (folder / installer).exists() and (folder / "说明.txt").exists()
    if installer == "install.sh":
        assert os.access(folder / "install.sh", os.X_OK)
    else:
        assert (folder / "nianbao.bat").exists() and b"\n" not in (folder / "安装.bat").read_bytes().replace(
            b"\r\n", b""
        )
    sums = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(sums) == files
    assert all(sha256(folder / f) == digest for f, digest in sums.items())
    listing = (folder / "清单.txt").read_text(encoding="utf-8-sig")
    assert all(f in listing for f in files - {"清单.txt"})


@pytest.mark.parametrize("python", build.PYTHONS)
@pytest.mark.parametrize("name", sorted(build.PLATFORMS))
def test_bundle_resolves_every_dependency_offline(name, python, unpacked, tmp_path):
    folder = unpacked(name)
    command = [
        sys.executable, "-m", "pip", "--isolated", "install", "--dry-run", "--ignore-installed", "--no-index",
        "--find-links", str(folder / "wheels"), *build.PLATFORMS[name].pip_target(python),
        "--target", str(tmp_path / "t"), "nianbao",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=clean_pip_env())
    assert result.returncode == 0, f"{name}, CPython {python}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert "Would install" in result.stdout and "nianbao-" in result.stdout


def can_cut_network() -> bool:
    return (
        shutil.which("unshare") is not None
        and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    )


def interpreter(version: str) -> str | None:
    """A working CPython of that version on this machine: on PATH, else one pyenv installed."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(str(p) for p in Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.mark.parametrize("version", build.PYTHONS)
def test_linux_bundle_installs_and_works_with_the_network_cut_off(version, unpacked, tmp_path):
    if not can_cut_network():
        pytest.skip("`unshare -n` is not permitted here (needs root): cannot prove the install is offline")
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine (its install is covered by the offline resolution test)")
    folder = unpacked("linux-x86_64")
    home = tmp_path / "home"
    env = clean_pip_env(HOME=str(home), LANG="C.UTF-8", PYTHON=python)

    def offline(*command: str | Path, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["unshare", "-n", *map(str, command)], capture_output=True, text=True, env=env, cwd=cwd)

    install = offline("sh", folder / "install.sh", cwd=folder)
    assert install.returncode == 0, install.stdout + install.stderr
    assert "安装完成" in install.stdout
    assert f"（{version}." in install.stdout  # the Python asked for was used
    assert "安装完成" in (folder / "安装日志.txt").read_text(encoding="utf-8")
    nianbao = home / ".local" / "bin" / "nianbao"
    assert nianbao.is_symlink() and nianbao.resolve().is_relative_to(home / ".local" / "share" / "nianbao")

    shutil.copy2(EXAMPLE, tmp_path / "data.yaml")
    doctor = offline(nianbao, "doctor", "-o", tmp_path)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    check = offline(nianbao, "check", "data.yaml")
    assert check.returncode == 0, check.stdout + check.stderr
    render = offline(nianbao, "render", "data.yaml", "-o", "out", "--to", "docx,html,pdf")
    assert render.returncode == 0, render.stdout + render.stderr
    form = offline(nianbao, "form", "-o", "form.xlsx")
    assert form.returncode == 0, form.stdout + form.stderr

    out = tmp_path / "out"
    with zipfile.ZipFile(out / f"{REPORT}.docx") as docx:
        assert "青石街道办事处" in docx.read("word/document.xml").decode()
    assert REPORT in (out / f"{REPORT}.html").read_text(encoding="utf-8")
    pdf = (out / f"{REPORT}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    import openpyxl
    import pypdf

    assert "青石街道办事处" in pypdf.PdfReader(out / f"{REPORT}.pdf").pages[0].extract_text()

    assert openpyxl.load_workbook(tmp_path / "form.xlsx").sheetnames
