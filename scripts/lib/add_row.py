"""Adds a table row to a section of a Markdown file, creating the section if it is missing.

    python3 scripts/lib/add_row.py FILE HEADING ROW [SECTION_TEXT_FILE [BEFORE_HEADING]]

The section (heading, text, table header) comes from SECTION_TEXT_FILE when it must be created; it
goes before BEFORE_HEADING if that heading exists, else at the end. The row goes after the last
row of the section's first table (or at the section's end when it has no table yet).
"""
import sys


def main(path, heading, row, section_file=None, before=None):
    text = open(path, encoding="utf-8").read()
    if heading not in text:
        section = open(section_file, encoding="utf-8").read().rstrip("\n") + "\n"
        if before and before in text:
            text = text.replace(before, section + "\n" + before, 1)
        else:
            text = text.rstrip("\n") + "\n\n" + section
    start = text.index(heading)
    nxt = text.find("\n## ", start + len(heading))
    end = nxt if nxt >= 0 else len(text)
    lines = text[start:end].split("\n")
    # After the last row of the section's first table (the measurements' own; prose and other tables may follow it).
    first = next((i for i, line in enumerate(lines) if line.startswith("|")), None)
    if first is None:
        body = text[start:end].rstrip("\n") + "\n" + row + "\n"
    else:
        last = first
        while last + 1 < len(lines) and lines[last + 1].startswith("|"):
            last += 1
        body = "\n".join(lines[:last + 1] + [row] + lines[last + 1:]).rstrip("\n") + "\n"
    rest = "\n" + text[end:].lstrip("\n") if nxt >= 0 else ""
    open(path, "w", encoding="utf-8").write(text[:start] + body + rest)


if __name__ == "__main__":
    main(*sys.argv[1:])
