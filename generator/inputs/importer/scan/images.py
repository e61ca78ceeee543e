"""Page images of a scanned report: image-only PDF pages and PNG/JPEG files, bounded, in grey, upright.

Grey is taken from the red channel: a red seal stamped over the table turns white there while black
print stays black, so the seal hides no digit.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from ....errors import InputError

MAX_PAGES = 40  # a report is 5-15 pages; more is not a report (and would take minutes)
MAX_PIXELS = 40_000_000  # per page: an A4 page at 600 dpi is 35 million pixels
DPI = 200  # PDF pages are rendered at this resolution
MAX_SIDE = 2400  # pixels: larger images are scaled down (the recogniser needs no more)
SKEW_LIMIT = 3.0  # degrees searched either way
SKEW_STEP = 0.1
SKEW_WIDTH = 800  # the angle is measured on a copy this wide


def page_images(path: Path) -> Iterator[Image.Image]:
    """Each page as an upright grey image (mode L), at most MAX_SIDE pixels on its long side."""
    for image in _pdf_pages(path) if path.suffix.lower() == ".pdf" else [_image_file(path)]:
        yield deskew(_grey(_bounded(image)))


def open_image(path: Path) -> Image.Image:
    """The image file, opened but not decoded: a decompression bomb or a broken file is refused here."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            f"{path.name}：图片过大（超过 {MAX_PIXELS // 1_000_000} 百万像素），无法识别。"
            "请用 200～300 dpi 重新扫描，或把图片缩小后再导入。"
        ) from None
    except (OSError, ValueError, SyntaxError):
        raise InputError(
            f"{path.name}：图片文件已损坏或不是 PNG/JPEG 图片，无法打开。请重新扫描或导出后再试。"
        ) from None


def _image_file(path: Path) -> Image.Image:
    image = open_image(path)
    try:
        image.load()
    except (OSError, ValueError, SyntaxError):
        raise InputError(f"{path.name}：图片文件已损坏或不完整，无法读取。请重新扫描或导出后再试。") from None
    return image


def _pdf_pages(path: Path) -> Iterator[Image.Image]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        raise InputError(f"{path.name}：PDF 文件已损坏或已加密，无法打开。") from None
    try:
        if len(document) > MAX_PAGES:
            raise InputError(
                f"{path.name}：扫描件有 {len(document)} 页，最多识别 {MAX_PAGES} 页。请只保留年度报告的页面后再导入。"
            )
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            scale = min(DPI / 72, MAX_SIDE / max(width, height))
            yield page.render(scale=scale, grayscale=False).to_pil()
    finally:
        document.close()


def _bounded(image: Image.Image) -> Image.Image:
    if max(image.size) > MAX_SIDE:
        image = image.copy()
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


def _grey(image: Image.Image) -> Image.Image:
    """The red channel as grey (white where a red seal is), flattened onto white if transparent."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    if image.mode in ("RGB", "RGBA", "CMYK", "YCbCr"):
        return image.convert("RGB").getchannel("R")
    return image.convert("L")


def deskew(image: Image.Image) -> Image.Image:
    """The image turned upright: the angle that makes its text lines sharpest (row-sum variance) is undone."""
    import numpy as np

    small = image.copy()
    small.thumbnail((SKEW_WIDTH, SKEW_WIDTH * 2))
    ink = Image.eval(small, lambda v: 255 if v < 160 else 0)
    best, best_score = 0.0, -1.0
    steps = int(SKEW_LIMIT / SKEW_STEP)
    for step in range(-steps, steps + 1):
        angle = step * SKEW_STEP
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = angle, score
    if abs(best) < SKEW_STEP / 2:
        return image
    return image.rotate(best, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
