"""Fill translations/ko/LC_MESSAGES/messages.po from a {msgid: msgstr} mapping in a .py file.

Used when adding many strings at once: `python scripts/fill_catalog.py strings.py`. Only
empty entries are filled; existing translations are left as they are.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "translations/ko/LC_MESSAGES/messages.po"


def main(mapping_file: str) -> int:
    namespace = runpy.run_path(mapping_file)
    mapping = namespace["KO"]
    plurals = namespace.get("PLURALS", {})  # singular msgid -> the one Korean form
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="ko")
    filled = 0
    for message in catalog:
        if isinstance(message.id, tuple):
            if message.id[0] in plurals and not any(message.string):
                message.string = (plurals[message.id[0]],)
                filled += 1
        elif message.id and not message.string and message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    print(f"filled {filled} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
