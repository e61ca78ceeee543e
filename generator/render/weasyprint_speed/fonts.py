"""Fonts: a font's whole file copied out of HarfBuzz only when it is embedded whole."""

from __future__ import annotations

import threading


def font_files_read_when_needed() -> None:
    """Each PDF's ``Font`` copies its font's whole file out of HarfBuzz into Python bytes when it is made
    (7 fonts, 53 MB a report: 7 % of a report's time), though only the subset is embedded (the subset is made
    from the HarfBuzz face, not from the copy). The copy is made when ``file_content`` is first read
    (a font that is not subset, a variable or colour font), from the same face, so it is the same bytes."""
    from weasyprint.pdf import fonts

    if isinstance(getattr(fonts.Font, "file_content", None), property):
        return
    read = fonts.get_hb_object_data
    make = fonts.Font.__init__
    making = threading.local()  # set while a Font is made, in this thread

    def data_of(hb_object, *args):
        """The one call while a Font is made is ``self.file_content = get_hb_object_data(self.hb_face)``."""
        if getattr(making, "font", False) and not args:
            return _NOT_READ
        return read(hb_object, *args)

    def __init__(self, pango_font, description, font_size):
        making.font = True
        try:
            make(self, pango_font, description, font_size)
        finally:
            making.font = False

    def file_content(self):
        data = self.__dict__["_file_content"]
        if data is _NOT_READ:
            data = self.__dict__["_file_content"] = read(self.hb_face)
        return data

    def set_file_content(self, data):
        self.__dict__["_file_content"] = data

    fonts.get_hb_object_data = data_of
    fonts.Font.__init__ = __init__
    fonts.Font.file_content = property(file_content, set_file_content)


_NOT_READ = object()
