"""The OCR engine (RapidOCR with its bundled PP-OCR models on onnxruntime): offline, optional.

``pip install nianbao[ocr]`` installs it; its wheel carries the models, so nothing is downloaded
when a scan is read. Without it a scanned report is refused with the install command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from PIL import Image

from ....errors import InputError

INSTALL = "安装 OCR 组件：pip install nianbao[ocr]"
MIN_SCORE = 0.5  # the recogniser's own confidence below which a text box is dropped
DETECT_SIDE = 1280  # pixels: the text detector sees the page at most this large (a lone digit it misses is read again)
REC_WIDTH = 96  # the recogniser pads every cut-out to at least this width (its default 320 is 3 times slower)
REC_BATCH = 12
ZERO_LIKE = re.compile(r"[0-9oO]+")  # the recogniser sometimes reads the digit 0 in a number as the letter o


@dataclass(frozen=True)
class Box:
    """A piece of text recognised on a page, with its bounding box in page pixels."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    score: float

    @property
    def middle(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR(
        use_cls=False,
        intra_op_num_threads=1,  # measured: faster than 2 threads on a busy two-core machine
        inter_op_num_threads=1,
    )
    ocr.text_rec.rec_image_shape = [3, 48, REC_WIDTH]
    ocr.text_rec.rec_batch_num = REC_BATCH
    return ocr


def engine() -> Any:
    """The loaded engine, or an InputError that says how to install it."""
    if not available():
        raise InputError(INSTALL)
    return _engine()


def read_page(image: Image.Image) -> list[Box]:
    """Every text box on the page: found on a copy at most DETECT_SIDE pixels large (RapidOCR's own limit
    is 2000, which costs 900 MB), recognised on the full page."""
    import numpy as np

    ocr = engine()
    scale = min(1.0, DETECT_SIDE / max(image.size))
    small = image.resize((round(image.width * scale), round(image.height * scale))) if scale < 1 else image
    quads, _ = ocr.text_det(np.asarray(small.convert("RGB")))
    if quads is None or len(quads) == 0:
        return []
    quads = [np.asarray(q, dtype=np.float32) / scale for q in quads]
    texts, _ = ocr.text_rec(ocr.get_crop_img_list(np.asarray(image.convert("RGB")), quads))
    boxes = []
    for quad, (text, score, *_) in zip(quads, texts, strict=True):
        xs, ys = quad[:, 0], quad[:, 1]
        if float(score) >= MIN_SCORE and str(text).strip():
            boxes.append(
                Box(
                    _digits(str(text).strip()),
                    float(xs.min()),
                    float(ys.min()),
                    float(xs.max()),
                    float(ys.max()),
                    float(score),
                )
            )
    return boxes


def read_crops(crops: list[Image.Image]) -> list[tuple[str, float]]:
    """The text of each cut-out (recogniser only, no detector): for the number cells of a table."""
    import numpy as np

    if not crops:
        return []
    result, _ = engine().text_rec([np.asarray(c.convert("RGB")) for c in crops])
    return [(_digits(str(found[0]).strip()), float(found[1])) for found in result]


def find_and_read(images: list[Image.Image]) -> list[tuple[str, float]]:
    """The text of each image found and recognised as on a page (detector, then recogniser on what it found),
    its pieces joined left to right; its score the lowest piece's (nothing found: empty, 0)."""
    import numpy as np

    ocr, out = engine(), []
    detector = ocr.text_det
    limits = detector.limit_type, detector.limit_side_len
    detector.limit_type, detector.limit_side_len = "max", DETECT_SIDE  # as large as given (its default enlarges)
    try:
        for image in images:
            pixels = np.asarray(image.convert("RGB"))
            quads, _ = detector(pixels)
            if quads is None or len(quads) == 0:
                out.append(("", 0.0))
                continue
            quads = sorted(quads, key=lambda q: float(np.asarray(q)[:, 0].min()))
            texts, _ = ocr.text_rec(ocr.get_crop_img_list(pixels, [np.asarray(q, dtype=np.float32) for q in quads]))
            pieces = [(_digits(str(found[0]).strip()), float(found[1])) for found in texts]
            out.append(("".join(text for text, _ in pieces), min(score for _, score in pieces)))
    finally:
        detector.limit_type, detector.limit_side_len = limits
    return out


def _digits(text: str) -> str:
    """A number the recogniser spelt with the letter o for 0 (「1o」) as digits; any other text as read."""
    return text.replace("o", "0").replace("O", "0") if ZERO_LIKE.fullmatch(text) else text
