#!/usr/bin/env python3
"""An External System Adapter in one file of standard-library Python.

It serves the ESA protocol (docs/esa.md, docs/esa/esa-protocol.xsd) over HTTP for the tables of a
SQLite database, so that a Tributary hub can sync them like any connector. Each table with an
``id INTEGER PRIMARY KEY AUTOINCREMENT`` column and a ``modified_at`` text column is a structure;
its other columns are fields. Triggers installed at start keep ``modified_at`` (UTC, milliseconds)
and log deletions in ``esa_deleted``, so applications can write the tables with plain SQL.

    python3 esa.py --db crm.db --port 8090 [--token SECRET] [--table people]

Only the standard library is used: http.server, sqlite3, xml.etree.ElementTree.
"""

import argparse
import base64
import datetime
import re
import sqlite3
import sys
import threading
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BYTES = 8 * 1024 * 1024
INLINE_LIMIT = 500
PAGE_SIZE = 500
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
STAMP = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


# Values the protocol's readers would change if written plainly: white space at either end (removed
# as indentation outside CDATA) and carriage returns (XML readers turn them into line feeds).
# ElementTree writes no CDATA, so such a value goes into the tree as a marker holding it in base64,
# and the marker is replaced by CDATA sections once the document is written (see envelope()).
EXACT = re.compile("\ue000([A-Za-z0-9+/=]*)\ue001")


def exact(value):
    """The text to put in the tree for a value, so that it arrives exactly."""
    if value and (value[0].isspace() or value[-1].isspace() or "\r" in value or "\ue000" in value):
        return "\ue000" + base64.b64encode(value.encode("utf-8")).decode("ascii") + "\ue001"
    return value


def cdata(match):
    """CDATA sections from a value's first character to its last; carriage returns between them."""
    value = base64.b64decode(match.group(1)).decode("utf-8")
    return "&#13;".join("<![CDATA[" + part.replace("]]>", "]]]]><![CDATA[>") + "]]>" for part in value.split("\r"))


class Fault(Exception):
    """A fault answered instead of a result."""

    def __init__(self, kind, message, record_id=None):
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def fmt(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def parse_time(text):
    text = text.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$", text):
        raise Fault("ProtocolException", "not a UTC timestamp: %r" % text)
    main, _, frac = text[:-1].partition(".")
    moment = datetime.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return moment + datetime.timedelta(microseconds=int((frac + "000000")[:6]) if frac else 0)


def field_type(declared):
    t = (declared or "").upper()
    if t.startswith("BOOL"):
        return "boolean"
    if "INT" in t:
        return "integer"
    if any(k in t for k in ("REAL", "NUM", "DEC", "DOUB")):
        return "decimal"
    if t == "DATE":
        return "date"
    if "DATETIME" in t or "TIMESTAMP" in t:
        return "datetime"
    if "BLOB" in t:
        return "binary"
    return "string"


class Adapter:
    """The external system: SQLite tables, cursors and the session."""

    def __init__(self, path, tables):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.lock = threading.Lock()
        self.cursors = {}
        self.system_id = None
        self.helper = None
        self.last_stamp = None
        self.db.execute("CREATE TABLE IF NOT EXISTS esa_deleted (structure TEXT NOT NULL, id TEXT NOT NULL,"
                        " deleted_at TEXT NOT NULL)")
        found = [r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        self.tables = [t for t in found if t != "esa_deleted" and not t.startswith("sqlite_")
                       and (not tables or t in tables)
                       and {"id", "modified_at"} <= {c[1] for c in self.db.execute("PRAGMA table_info(%s)" % t)}]
        for table in self.tables:
            self.db.executescript("""
                CREATE TRIGGER IF NOT EXISTS {t}_esa_stamp AFTER INSERT ON {t} WHEN NEW.modified_at IS NULL
                BEGIN UPDATE {t} SET modified_at = {s} WHERE id = NEW.id; END;
                CREATE TRIGGER IF NOT EXISTS {t}_esa_touch AFTER UPDATE ON {t}
                WHEN NEW.modified_at IS OLD.modified_at OR NEW.modified_at IS NULL
                BEGIN UPDATE {t} SET modified_at = {s} WHERE id = NEW.id; END;
                CREATE TRIGGER IF NOT EXISTS {t}_esa_deleted AFTER DELETE ON {t}
                BEGIN INSERT INTO esa_deleted (structure, id, deleted_at) VALUES ('{t}', OLD.id, {s}); END;
            """.format(t=table, s=STAMP))

    # ---- helpers

    def table(self, name):
        if name not in self.tables:
            raise Fault("EsaException", "no structure %r; there are %s" % (name, self.tables))
        return name

    def columns(self, table):
        return [(c[1], c[2]) for c in self.db.execute("PRAGMA table_info(%s)" % table)
                if c[1] not in ("id", "modified_at")]

    def stamp(self):
        """A modified time later than every earlier one, so 'changed after t' never splits a tie."""
        moment = now().replace(microsecond=now().microsecond // 1000 * 1000)
        latest = [self.last_stamp] if self.last_stamp else []
        for table in self.tables:
            row = self.db.execute("SELECT MAX(modified_at) FROM %s" % table).fetchone()
            if row[0]:
                latest.append(parse_time(row[0]))
        row = self.db.execute("SELECT MAX(deleted_at) FROM esa_deleted").fetchone()
        if row[0]:
            latest.append(parse_time(row[0]))
        if latest and moment <= max(latest):
            moment = max(latest) + datetime.timedelta(milliseconds=1)
        self.last_stamp = moment
        return fmt(moment)

    def record(self, table, row, columns):
        rec = ET.Element("record")
        ET.SubElement(rec, "id").text = str(row[0])
        ET.SubElement(rec, "modified-at").text = row[1]
        for (name, declared), value in zip(columns, row[2:]):
            el = ET.SubElement(rec, "value", name=name)
            if value is None:
                el.set("null", "true")
            elif isinstance(value, bytes):
                el.text = base64.b64encode(value).decode("ascii")
            elif field_type(declared) == "boolean":
                el.text = "true" if value else "false"
            else:
                el.text = exact(str(value))
        return rec

    def select(self, table, after=None, record_id=None):
        columns = self.columns(table)
        sql = "SELECT id, modified_at%s FROM %s" % ("".join(", " + c for c, _ in columns), table)
        args = []
        if record_id is not None:
            sql += " WHERE id = ?"
            args.append(record_id)
        elif after is not None:
            sql += " WHERE modified_at > ?"
            args.append(fmt(after))
        sql += " ORDER BY modified_at, id"
        return [self.record(table, row, columns) for row in self.db.execute(sql, args)]

    def values(self, table, rec, record_id):
        types = dict(self.columns(table))
        values = {}
        for el in rec.findall("value"):
            name = el.get("name", "").strip()
            if name not in types:
                raise Fault("EsaRecordException", "%s has no field %r" % (table, name), record_id)
            text = el.text or ""
            kind = field_type(types[name])
            if el.get("null") == "true":
                values[name] = None
            elif kind == "integer":
                values[name] = int(text.strip())
            elif kind == "decimal":
                values[name] = float(text.strip())
            elif kind == "boolean":
                values[name] = 1 if text.strip() in ("true", "1") else 0
            elif kind == "binary":
                values[name] = base64.b64decode(text.strip())
            else:
                values[name] = text
        return values

    def check_seen(self, table, record_id, last_seen):
        row = self.db.execute("SELECT modified_at FROM %s WHERE id = ?" % table, (record_id,)).fetchone()
        if row is None:
            raise Fault("EsaRecordException", "no record %s in %s" % (record_id, table), record_id)
        if last_seen is not None and parse_time(row[0]) > parse_time(last_seen):
            raise Fault("EsaRecordException", "record %s changed at %s, after last-seen %s"
                        % (record_id, row[0], last_seen), record_id)

    def cursor(self, entries, kind):
        cursor_id = uuid.uuid4().hex
        self.cursors[cursor_id] = entries
        pages = (len(entries) + PAGE_SIZE - 1) // PAGE_SIZE
        attributes = {"id": cursor_id, "pages": str(pages), "page-size": str(PAGE_SIZE),
                      "total": str(len(entries)), "kind": kind}
        if kind == "records":
            # select() orders by modified_at: the hub may hand the records on page by page.
            attributes["order"] = "oldest-first"
        return [ET.Element("cursor", attributes)]

    def deleted(self, table, after):
        sql = "SELECT id, deleted_at FROM esa_deleted WHERE structure = ?"
        args = [table]
        if after is not None:
            sql += " AND deleted_at > ?"
            args.append(fmt(after))
        out = []
        for row in self.db.execute(sql + " ORDER BY deleted_at, rowid", args):
            el = ET.Element("id", {"deleted-at": row[1]})
            el.text = str(row[0])
            out.append(el)
        return out

    # ---- the calls

    def handle(self, name, call):
        text = lambda tag: (call.findtext(tag) or "").strip()
        after = parse_time(text("after")) if call.find("after") is not None else None

        def value(v):
            el = ET.Element("value")
            el.text = v
            return [el]

        if name == "startSync":
            return value("1.0")
        if name in ("endSync", "leaseSession"):
            return []
        if name == "configure":
            if self.system_id is None or text("force") == "true":
                self.system_id = text("external-system-id")
                self.helper = (text("helper-url"), text("helper-secret"))
            return value(self.system_id)
        if name == "getAllowedRunModes":
            return value("7")
        if name == "getCurrentTime":
            return value(fmt(now()))
        if name == "needSyncAgain":
            return value("false")
        if name == "getParametersMeta":
            return [ET.Element("esa-parameter", {"name": "database", "type": "string", "label": "Database file"})]
        if name == "getStructureList":
            return [ET.Element("structure", {"name": t, "label": t.capitalize()}) for t in self.tables]
        if name == "getFieldList":
            return [ET.Element("field", {"name": c, "type": field_type(d), "label": c})
                    for c, d in self.columns(self.table(text("structure")))]
        if name == "getRelations":
            table = self.table(text("structure"))
            return [ET.Element("relation", {"name": r[3], "field": r[3], "target": r[2]})
                    for r in self.db.execute("PRAGMA foreign_key_list(%s)" % table)]
        if name in ("getModified", "getModifiedPaged"):
            records = self.select(self.table(text("structure")), after)
            if name == "getModifiedPaged":
                return self.cursor(records, "records")
            return records if len(records) <= INLINE_LIMIT else [null_value()]
        if name in ("getDeleted", "getDeletedPaged"):
            ids = self.deleted(self.table(text("structure")), after)
            if name == "getDeletedPaged":
                return self.cursor(ids, "ids")
            return ids if len(ids) <= INLINE_LIMIT else [null_value()]
        if name == "readDataPage":
            entries = self.cursors.get(text("cursor-id"))
            if entries is None:
                raise Fault("EsaException", "no open cursor %r" % text("cursor-id"))
            index = int(text("page-index"))
            return entries[index * PAGE_SIZE:(index + 1) * PAGE_SIZE]
        if name == "closeCursor":
            self.cursors.pop(text("cursor-id"), None)
            return []
        if name == "read":
            found = self.select(self.table(text("structure")), record_id=text("id")) if text("id").isdigit() else []
            return found if found else [null_value()]
        if name == "create":
            table = self.table(text("structure"))
            values = self.values(table, call.find("record"), None)
            names = list(values)
            cur = self.db.execute("INSERT INTO %s (modified_at%s) VALUES (?%s)" % (
                table, "".join(", " + n for n in names), ", ?" * len(names)), [self.stamp()] + [values[n] for n in names])
            return self.select(table, record_id=cur.lastrowid)
        if name == "update":
            table = self.table(text("structure"))
            rec = call.find("record")
            record_id = (rec.findtext("id") or "").strip()
            self.check_seen(table, record_id, text("last-seen") or None)
            values = self.values(table, rec, record_id)
            stamp = self.stamp()
            self.db.execute("UPDATE %s SET modified_at = ?%s WHERE id = ?" % (
                table, "".join(", %s = ?" % n for n in values)), [stamp] + list(values.values()) + [record_id])
            return value(stamp)
        if name == "delete":
            table = self.table(text("structure"))
            record_id = text("id")
            if self.db.execute("SELECT 1 FROM %s WHERE id = ?" % table, (record_id,)).fetchone() is None:
                return value("true")
            self.check_seen(table, record_id, text("last-seen") or None)
            stamp = self.stamp()
            self.db.execute("DELETE FROM %s WHERE id = ?" % table, (record_id,))
            # the trigger logged the deletion; give it the adapter's monotonic stamp
            self.db.execute("UPDATE esa_deleted SET deleted_at = ? WHERE rowid = (SELECT MAX(rowid) FROM esa_deleted)",
                            (stamp,))
            return value("true")
        if name == "countRange":
            table = self.table(text("structure") or self.tables[0])
            row = self.db.execute("SELECT COUNT(*) FROM %s WHERE id >= ? AND id <= ?" % table,
                                  (int(text("min-id")), int(text("max-id")))).fetchone()
            return value(str(row[0]))
        if name.startswith("checkDelayed"):
            raise Fault("EsaException", "this adapter makes no delayed writes")
        raise Fault("ProtocolException", "unknown call <%s>" % name)


def null_value():
    el = ET.Element("nullValue")
    el.text = "true"
    return el


def envelope(kind, response_to, content=None, fault=None):
    root = ET.Element("sync")
    if fault is not None:
        el = ET.SubElement(root, "fault", {"response-to": response_to, "type": fault.kind})
        ET.SubElement(el, "message").text = str(fault)[:4000]
        if fault.record_id:
            ET.SubElement(el, "id").text = str(fault.record_id)
    else:
        el = ET.SubElement(root, "result", {"response-to": response_to})
        el.extend(content)
    written = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>' + EXACT.sub(cdata, written)).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open between calls (every answer has a Content-Length); with
    # HTTP/1.0 the server closes each one, and a client may pick a closed connection from its pool.
    protocol_version = "HTTP/1.1"
    adapter = None
    token = None

    def log_message(self, fmt_, *args):
        pass

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path != "/esa":
            return self.reply(404, envelope("fault", "unknown", fault=Fault("ProtocolException", "POST to /esa")))
        if self.token and self.headers.get("Authorization", "") != "Bearer " + self.token:
            return self.reply(401, envelope("fault", "unknown", fault=Fault("AuthenticationException", "bad token")))
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BYTES:
            return self.reply(400, envelope("fault", "unknown", fault=Fault("ProtocolException", "message too large")))
        body = self.rfile.read(length)
        if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
            return self.reply(400, envelope("fault", "unknown", fault=Fault("ProtocolException", "DOCTYPE refused")))
        try:
            root = ET.fromstring(body)
            call_el = root.find("esa-call")
            if root.tag != "sync" or call_el is None or len(root) != 1 or len(call_el) != 1:
                raise Fault("ProtocolException", "expected <sync><esa-call call-id=...> with one call")
            call_id = call_el.get("call-id")
            if not call_id or not re.match(r"^[A-Za-z0-9._:-]{1,64}$", call_id):
                raise Fault("ProtocolException", "a call-id is required")
        except (ET.ParseError, Fault) as problem:
            fault = problem if isinstance(problem, Fault) else Fault("ProtocolException", "not XML: %s" % problem)
            return self.reply(400, envelope("fault", "unknown", fault=fault))
        call = call_el[0]
        try:
            with self.adapter.lock:
                content = self.adapter.handle(call.tag, call)
            self.reply(200, envelope("result", call_id, content))
        except Fault as fault:
            self.reply(200, envelope("fault", call_id, fault=fault))
        except (ValueError, sqlite3.Error) as error:
            self.reply(200, envelope("fault", call_id, fault=Fault("EsaException", "%s failed: %s" % (call.tag, error))))


def main():
    parser = argparse.ArgumentParser(description="An ESA over the tables of a SQLite database.")
    parser.add_argument("--db", required=True, help="SQLite database file")
    parser.add_argument("--port", type=int, default=8090, help="port to listen on (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--token", help="bearer token the hub must send")
    parser.add_argument("--table", action="append", help="a table to offer (default: every suitable table)")
    args = parser.parse_args()
    Handler.adapter = Adapter(args.db, args.table)
    Handler.token = args.token
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print("ESA listening on http://%s:%d/esa for %s" % (args.host, server.server_address[1],
                                                         ", ".join(Handler.adapter.tables)), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
