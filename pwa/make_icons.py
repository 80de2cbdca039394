#!/usr/bin/env python3
"""Draws Segscope's icons: a ring cut into three segments on the app's accent colour.

Writes icon.svg, icon-192.png and icon-512.png beside this script (committed; run again only to change the design).
No dependencies: the PNGs are written with zlib, each pixel's colour from its distance and angle to the centre,
four samples a pixel for smooth edges. The ring sits inside the middle 80%, so the 512 icon is also safe as maskable.
"""
import math
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCENT = (47, 93, 138)  # style/main.css --accent
# White, then two colours of the charts' palette (crates/charts/src/segment_sizes.rs), largest segment first.
SEGMENTS = [((255, 255, 255), 0.5), ((242, 142, 43), 0.3), ((118, 183, 178), 0.2)]
OUTER, INNER, GAP = 0.36, 0.19, 0.025  # radii and the gap between segments, as shares of the side


def colour_at(x: float, y: float) -> tuple:
    """The colour at (x, y), both in 0..1 of the side."""
    dx, dy = x - 0.5, y - 0.5
    r = math.hypot(dx, dy)
    if not INNER <= r <= OUTER:
        return ACCENT
    turn = (math.atan2(dx, -dy) / (2 * math.pi)) % 1.0  # 0 at the top, clockwise
    start = 0.0
    for colour, share in SEGMENTS:
        end = start + share
        if start <= turn < end:
            # A gap of the background either side of each cut, as wide at every radius.
            if min(turn - start, end - turn) * 2 * math.pi * r < GAP / 2:
                return ACCENT
            return colour
        start = end
    return ACCENT


def png(size: int) -> bytes:
    rows = bytearray()
    offsets = (0.25, 0.75)
    for j in range(size):
        rows.append(0)
        for i in range(size):
            samples = [colour_at((i + a) / size, (j + b) / size) for a in offsets for b in offsets]
            rows.extend(round(sum(s[c] for s in samples) / len(samples)) for c in range(3))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    header = struct.pack('>IIBBBBB', size, size, 8, 2, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(bytes(rows), 9)) + chunk(b'IEND', b'')


def svg() -> str:
    parts = [f'<rect width="100" height="100" fill="rgb{ACCENT}"/>']
    start = 0.0
    for colour, share in SEGMENTS:
        end = start + share
        pad = GAP / 2 / (2 * math.pi * (OUTER + INNER) / 2)
        a0, a1 = 2 * math.pi * (start + pad), 2 * math.pi * (end - pad)
        mid = (OUTER + INNER) / 2 * 100
        x0, y0 = 50 + mid * math.sin(a0), 50 - mid * math.cos(a0)
        x1, y1 = 50 + mid * math.sin(a1), 50 - mid * math.cos(a1)
        large = 1 if a1 - a0 > math.pi else 0
        parts.append(
            f'<path d="M{x0:.2f} {y0:.2f}A{mid:.2f} {mid:.2f} 0 {large} 1 {x1:.2f} {y1:.2f}" fill="none" '
            f'stroke="rgb{colour}" stroke-width="{(OUTER - INNER) * 100:.2f}"/>'
        )
        start = end
    body = ''.join(parts).replace(', ', ',')
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">{body}</svg>\n'


if __name__ == '__main__':
    (HERE / 'icon.svg').write_text(svg())
    for size in (192, 512):
        (HERE / f'icon-{size}.png').write_bytes(png(size))
