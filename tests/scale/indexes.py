#!/usr/bin/env python3
"""indexes.py - the bulk load's secondary indexes, set aside and rebuilt.

    indexes.py drop SAVEFILE TABLE...   prints SQL dropping each secondary
                                        index of TABLEs that no foreign key
                                        needs, saving their definitions
    indexes.py add SAVEFILE             prints SQL adding them back, one
                                        ALTER TABLE per table

Reads `SHOW CREATE TABLE` through the client given in $MARIADB (with the
database). Rows loaded into a table with only its primary key and its
foreign keys' indexes go in primary-key order; each index set aside is then
built once, sorted, instead of being updated row by row.
"""
import json
import os
import re
import subprocess
import sys


def show_create(table):
    cmd = os.environ["MARIADB"].split() + ["-N", "-B", "-e", "SHOW CREATE TABLE `%s`" % table]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return out.split("\t", 1)[1].replace("\\n", "\n")


def main():
    mode, save = sys.argv[1], sys.argv[2]
    if mode == "drop":
        saved, sql = {}, []
        for table in sys.argv[3:]:
            ddl = show_create(table)
            fk_cols = [tuple(c.strip(" `") for c in m.split(","))
                       for m in re.findall(r"FOREIGN KEY \(([^)]*)\)", ddl)]
            keep, defs = [], []
            for m in re.finditer(r"^\s*((?:UNIQUE )?KEY `(\w+)` \((.*)\))(?: COMMENT .*)?,?$",
                                 ddl, re.M):
                cols = tuple(re.sub(r"\(\d+\)| DESC| ASC", "", c).strip(" `")
                             for c in m.group(3).split(","))
                # an index whose leading columns are a foreign key's backs it
                if any(cols[:len(fk)] == fk for fk in fk_cols):
                    keep.append(m.group(2))
                    continue
                defs.append(m.group(1))
                sql.append("ALTER TABLE `%s` DROP KEY `%s`;" % (table, m.group(2)))
            if defs:
                saved[table] = defs
        with open(save, "w") as f:
            json.dump(saved, f, ensure_ascii=False, indent=1)
        print("\n".join(sql))
    elif mode == "add":
        with open(save) as f:
            saved = json.load(f)
        for table, defs in saved.items():
            print("ALTER TABLE `%s` %s;" % (table, ", ".join("ADD " + d for d in defs)))
    else:
        sys.exit("usage: indexes.py drop SAVEFILE TABLE... | add SAVEFILE")


if __name__ == "__main__":
    main()
