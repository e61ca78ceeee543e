"""Realistic scans of report PDFs, to measure the OCR import (bench/bench_ocr.py); output is never committed.

Run: .venv/bin/python bench/make_scans.py OUT_DIR [--dpi 150 200 300] [--only clean seal]

Sources: our examples (examples/*.yaml rendered to PDF; truth: the data file) and the real PDFs of
../shared/corpus (truth: their .truth.json). Each page is rendered to an image at 150/200/300 dpi and
degraded the way a scanner and a stamp do: skew (±1.5°), noise and speckles, a red seal stamped over
the middle of the page (where the tables are), JPEG artefacts, or all of them; the images are put back
into an image-only PDF (no text layer) named ``<source>-<dpi>-<degradation>.pdf``.
"""
from __future__ import annotations

import argparse
import io
import math
import random
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import CORPUS, read_value, report_file, truth_files, truth_values

DPIS = (150, 200, 300)
SKEW = 1.5  # degrees, either way


def _skew(image: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.uniform(0.5, SKEW) * rng.choice((-1, 1))
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor="white")


def _noise(image: Image.Image, rng: random.Random) -> Image.Image:
    noise = Image.effect_noise(image.size, 18).convert("RGB")
    image = ImageChops.multiply(image, ImageChops.invert(ImageChops.invert(noise).point(lambda v: v // 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(image.width * image.height // 20000):  # speckles
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        draw.point((x, y), fill=(60, 60, 60))
    return image.filter(ImageFilter.GaussianBlur(0.6))


def _seal(image: Image.Image, rng: random.Random) -> Image.Image:
    """A red seal (ring, star and an arc of text-like ticks) multiplied over the middle of the page."""
    stamp = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(stamp)
    radius = image.width // 9
    cx = image.width // 2 + rng.randint(-image.width // 6, image.width // 6)
    cy = image.height // 2 + rng.randint(-image.height // 6, image.height // 6)
    red = (215, 40, 40)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=red, width=max(4, radius // 18))
    star = [(cx + radius * 0.3 * f * math.cos(a), cy + radius * 0.3 * f * math.sin(a))
            for i in range(10) for a, f in [(-1.5708 + i * 0.6283, 1 if i % 2 == 0 else 0.4)]]
    draw.polygon(star, fill=red)
    for i in range(14):  # the agency's name around the ring
        a = math.pi * (0.8 + i * 0.1)
        x, y = cx + radius * 0.75 * math.cos(a), cy + radius * 0.75 * math.sin(a)
        draw.rectangle((x - radius * 0.07, y - radius * 0.07, x + radius * 0.07, y + radius * 0.07), fill=red)
    return ImageChops.multiply(image, stamp.filter(ImageFilter.GaussianBlur(1)))


def _jpeg(image: Image.Image, rng: random.Random) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=35)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


STEPS: dict[str, tuple[Callable[[Image.Image, random.Random], Image.Image], ...]] = {
    "clean": (),
    "skew": (_skew,),
    "noise": (_noise,),
    "seal": (_seal,),
    "jpeg": (_jpeg,),
    "all": (_seal, _skew, _noise, _jpeg),
}


def scan(pdf: Path, dpi: int, degradation: str, seed: int = 1) -> bytes:
    """The PDF as an image-only PDF of its pages, rendered at ``dpi`` and degraded."""
    import pypdfium2 as pdfium

    rng = random.Random(f"{pdf.name}{dpi}{degradation}{seed}")
    document = pdfium.PdfDocument(str(pdf))
    pages = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil().convert("RGB")
        for step in STEPS[degradation]:
            image = step(image, rng)
        pages.append(image)
    document.close()
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def sources(folder: Path, examples: bool = True, corpus: bool = True) -> Iterator[tuple[str, Path, dict]]:
    """(name, text PDF, truth path -> value) for our examples (rendered into ``folder``) and the real PDFs."""
    from generator.inputs import load_report
    from generator.render import render

    if examples:
        for example in sorted((ROOT / "examples").glob("*.yaml")):
            report = load_report(example)
            pdf = folder / f"{example.stem}.pdf"
            pdf.write_bytes(render(report, "pdf"))
            yield example.stem, pdf, {p: read_value(report, p) for p in report.format.input_paths}
    if corpus and CORPUS.exists():
        for truth in truth_files():
            path = report_file(truth)
            if path.suffix == ".pdf":
                yield path.stem, path, truth_values(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--dpi", type=int, nargs="*", default=list(DPIS))
    parser.add_argument("--only", nargs="*", default=list(STEPS), choices=list(STEPS))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, pdf, _ in sources(Path(tmp)):
            for dpi in args.dpi:
                for degradation in args.only:
                    target = args.out / f"{name}-{dpi}-{degradation}.pdf"
                    target.write_bytes(scan(pdf, dpi, degradation))
                    print(target)


if __name__ == "__main__":
    main()
