#!/usr/bin/env python3
"""ppm_to_png.py <in.ppm> <out.png>: converts a QEMU screendump (binary PPM)
to PNG with the standard library only (for the README's screenshot)."""
import struct
import sys
import zlib


def main(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    magic, size, maxval, pixels = data.split(b"\n", 3)
    if magic != b"P6" or maxval != b"255":
        sys.exit(f"{src}: not an 8-bit binary PPM")
    width, height = map(int, size.split())
    stride = width * 3
    raw = b"".join(b"\x00" + pixels[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(dst, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    main(*sys.argv[1:3])
