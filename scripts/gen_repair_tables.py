#!/usr/bin/env python3
"""Prints the code-page tables of src/repair/tables.rs.

Each table lists, for bytes 0x80..=0xFF, the character the code page gives (0 = undefined).
The mappings come from Python's `codecs` module, whose single-byte codecs are generated from the
unicode.org mapping files (VENDORS/MICSFT/WINDOWS, ISO8859, VENDORS/APPLE, VENDORS/MICSFT/PC).
Run: python3 scripts/gen_repair_tables.py > /tmp/tables.txt and paste the arrays.
"""
import codecs

PAGES = [
    ("WINDOWS_1252", "cp1252"),
    ("WINDOWS_1251", "cp1251"),
    ("WINDOWS_1250", "cp1250"),
    ("WINDOWS_1257", "cp1257"),
    ("ISO_8859_2", "iso8859_2"),
    ("WINDOWS_1253", "cp1253"),
    ("WINDOWS_1254", "cp1254"),
    ("MAC_ROMAN", "mac_roman"),
    ("CP437", "cp437"),
]

for name, codec in PAGES:
    vals = []
    for b in range(0x80, 0x100):
        try:
            vals.append(ord(bytes([b]).decode(codec)))
        except UnicodeDecodeError:
            vals.append(0)
    print(f"/// `{codec}` bytes 0x80..=0xFF (0 = undefined).")
    print(f"pub const {name}: [u16; 128] = [")
    for i in range(0, 128, 8):
        print("    " + ", ".join(f"0x{v:04X}" for v in vals[i:i + 8]) + ",")
    print("];")
    print()
