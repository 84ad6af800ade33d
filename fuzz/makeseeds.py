#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ and the dictionaries fuzz/*.dict.

Hand-made valid inputs: one command per entry of the catalogue (read from the
reference docs/COMMANDS.md generates from it), CSV files as the import tests
use them, real HTTP requests of docs/API.md and a change page as guichetd
sends it. Run again after adding a command: `python3 fuzz/makeseeds.py`.
The corpora also keep, as regression_*, the inputs of past findings (written
by hand, not by this script).
"""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def write_dict(target, tokens):
    with open(os.path.join(ROOT, "fuzz", target + ".dict"), "w", encoding="utf-8") as f:
        f.write("# libFuzzer dictionary of fuzz/%s.cpp (written by fuzz/makeseeds.py)\n" % target)
        for token in sorted(set(tokens)):
            escaped = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else
                              "".join("\\x%02X" % b for b in c.encode("utf-8")) for c in token)
            f.write('"%s"\n' % escaped)


# Commands: the catalogue's reference in docs/COMMANDS.md.
EXAMPLES = {
    "text": "Menuiserie Le Chêne", "boolean": True, "id": 12, "list of ids": [3, 4],
    "date": "2026-03-01", "base64": "SGVsbG8sIEd1aWNoZXQ=",
    "successors": {"forAll": 7, "perStructure": {"12": 8}},
    "subscription lines": [{"serviceId": 5, "modification": True, "consultation": False}],
    "list of texts": ["factures_emises", "factures_recues"],
    "new services": [{"code": "ACH", "name": "Achats"}, {"code": "VTE", "name": "Ventes"}],
}
SPECIAL = {
    "email": "alice@example.org", "contactEmail": "alice@example.org", "siret": "73282932000074",
    "role": "secondary", "status": "closed", "space": "factures_emises", "code": "ACH",
    "codePostal": "75011", "postalCode": "75011", "newPassword": "Un mot de passe long 42",
    "confirmation": "Un mot de passe long 42", "currentPassword": "Ancien mot de passe 41",
    "category": "technical", "fileType": "kbis", "fileName": "kbis.pdf",
}
doc = open(os.path.join(ROOT, "docs", "COMMANDS.md"), encoding="utf-8").read()
doc = doc[doc.index("<!-- catalogue:begin -->"):doc.index("<!-- catalogue:end -->")]
command_names, keys = [], []
for section in re.split(r"^### ", doc, flags=re.M)[1:]:
    name = re.match(r"`(\w+)`", section).group(1)
    command_names.append(name)
    args = {}
    for key, kind in re.findall(r"^\| `(\w+)` \| ([^|,]+?)(?:, ≤ \d+)? \|", section, flags=re.M):
        keys.append(key)
        args[key] = SPECIAL.get(key, EXAMPLES.get(kind.strip(), "x"))
    write("commands", name + ".json",
          json.dumps({"command": name, "commandId": "0c6f9a52-6f53-4f7e-9d55-1f0e4c1b8a10", "args": args},
                     ensure_ascii=False))
write_dict("commands", command_names + keys + ['"command"', '"args"', '"commandId"', "true", "false", "null",
                                               "forAll", "perStructure", "serviceId", "modification",
                                               "consultation", "2026-02-29", "-1", "1e300", "\\u0000"])

# CSV import, as tests/core/tst_structureimport.cpp writes it.
write("structure_import", "semicolon_bom_quotes.csv",
      b"\xef\xbb\xbf" + ("ville;siret;raison_sociale;code_postal;libelle;adresse\r\n"
      "Paris;732 829 320 00074;\"Menuiserie \"\"Le Chêne\"\"; SARL\";75011;Siège;\"12 rue A\nBât. B\"\r\n"
      "\r\nLyon;55210055400013;Boulangerie Martin;69001;;3 place B\r\n").encode("utf-8"))
write("structure_import", "comma_minimal.csv", "siret,raison_sociale\n73282932000074,Menuiserie\n")
write("structure_import", "all_columns.csv",
      "siret,raison_sociale,libelle,adresse,code_postal,ville\r\n"
      "73282932000074,Ménuiserie Œuvre,Atelier,1 rue de la Paix,75002,Paris\r\n"
      "55210055400013,\"Boulangerie, Pâtisserie\",,\"3 place B\",69001,Lyon\r\n")
write("structure_import", "bad_siret.csv", "siret;raison_sociale\n12345678901234;Mauvais\n")
write_dict("structure_import", ["siret", "raison_sociale", "libelle", "adresse", "code_postal", "ville",
                                "\xef\xbb\xbf", "\"\"", "\r\n", ";", ",", "73282932000074", "55210055400013"])

# HTTP: the first byte is the chunk size of the second reading.
def http(name, chunk, *requests):
    write("http_request", name, bytes([chunk]) + b"".join(r.encode("utf-8") for r in requests))


def post(path, body, token=None, content_type="application/json"):
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    head = "POST %s HTTP/1.1\r\nHost: guichet.example.org\r\nContent-Type: %s\r\n" % (path, content_type)
    if token:
        head += "Authorization: Bearer %s\r\n" % token
    return head + "Content-Length: %d\r\n\r\n" % len(data) + data.decode("utf-8")


TOKEN = "3q2-7w8YbT5kq0pX1m9Zr4Lc6VdHsJeN"
http("health", 0, "GET /api/v1/health HTTP/1.1\r\nHost: guichet.example.org\r\n\r\n")
http("head_me", 3, "HEAD /api/v1/me HTTP/1.1\r\nHost: g\r\nAuthorization: bearer %s\r\n\r\n" % TOKEN)
http("session", 5, post("/api/v1/session", {"email": "alice@example.org", "password": "secret"}))
http("command", 7, post("/api/v1/commands/createStructure",
                        {"commandId": "0c6f9a52-6f53-4f7e-9d55-1f0e4c1b8a10",
                         "args": {"siret": "73282932000074", "raisonSociale": "Menuiserie"}}, TOKEN))
http("anonymous_command", 1, post("/api/v1/commands/requestReactivation", {"args": {"email": "a@b.org"}}))
http("changes", 2, "GET /api/v1/changes?since=1234&limit=500&wait=25 HTTP/1.1\r\nHost: g\r\n"
                   "Authorization: Bearer %s\r\nConnection: keep-alive\r\n\r\n" % TOKEN)
http("structures_plus", 4, "GET /api/v1/structures?raison_sociale=*et+fils*&ville=Saint%%2BDenis&offset=0"
                           "&limit=50 HTTP/1.1\r\nAuthorization: Bearer %s\r\n\r\n" % TOKEN)
http("users_search", 6, "GET /api/v1/users?q=m%%C3%%A9nui+serie&limit=20 HTTP/1.1\r\n"
                        "Authorization: Bearer %s\r\n\r\n" % TOKEN)
http("file_content", 8, "GET /api/v1/files/42/content HTTP/1.1\r\nAuthorization: Bearer %s\r\n\r\n" % TOKEN)
http("pipelined", 9, "GET /api/v1/health HTTP/1.1\r\n\r\n",
     post("/api/v1/solicitations", {"email": "a@b.org", "category": "technical", "subject": "Aide",
                                    "body": "Bonjour"}),
     "DELETE /api/v1/session HTTP/1.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n" % TOKEN)
http("text_plain", 10, post("/api/v1/reactivation/request", {"email": "a@b.org"}, content_type="text/plain"))
http("two_lengths", 11, "POST /api/v1/session HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
http("chunked", 12, "POST /api/v1/session HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
http("not_found", 13, "PUT /api/v1/nothing/here HTTP/1.1\r\n\r\n")
http("principal_requests", 14, "GET /api/v1/support/principal-requests HTTP/1.1\r\n"
                               "Authorization: Bearer %s\r\n\r\n" % TOKEN)
http("signup", 15, post("/api/v1/signup", {"email": "a@b.org", "firstName": "Alice", "lastName": "Martin",
                                           "password": "Un mot de passe long 42",
                                           "secretQuestion": "Ville ?", "secretAnswer": "Lyon"}))
http("activation", 16, post("/api/v1/activation", {"token": "ABCD-EFGH-IJKL"}))
http("changes_compact", 17, "GET /api/v1/changes?since=0&limit=5000&format=2 HTTP/1.1\r\n"
                            "Authorization: Bearer %s\r\n\r\n" % TOKEN)
write_dict("http_request", ["GET ", "POST ", "HEAD ", "DELETE ", "PUT ", " HTTP/1.1\r\n", "\r\n", "\r\n\r\n",
                            "/api/v1/", "health", "session", "me", "commands/", "changes", "structures",
                            "users", "files/", "/content", "reactivation/request", "reactivation/complete",
                            "solicitations", "Content-Length: ", "Content-Type: application/json",
                            "Transfer-Encoding: ", "Connection: close", "Authorization: Bearer ",
                            "X-Forwarded-For: ", "?since=", "&limit=", "&wait=", "?q=", "+", "%2B", "%20",
                            "%C3%A9", "{\"args\":{}}", "\"commandId\"", "signup", "activation",
                            "activation/resend", "support/principal-requests", "&format=",
                            "?raison_sociale=", "&siret=", "&ville=", "&offset="] + command_names)

# A change page as GET /api/v1/changes sends it (docs/API.md, « Sync »).
page = {
    "checkpoint": 1234, "more": False,
    "resets": [{"structure": 7, "action": "refetch"}, {"structure": 9, "action": "drop"}],
    "rows": [
        {"table": "users", "row": {"id": 3, "email": "alice@example.org", "first_name": "Alice",
                                   "last_name": "Martin", "contact_email": "alice@example.org",
                                   "address_line": "", "postal_code": "", "city": "", "country": "",
                                   "secret_question": "Ville natale ?", "notifications_enabled": 1,
                                   "language": "fr", "is_support": 0, "status": "active",
                                   "deactivated_at": None, "created_at": 1767225600000, "version": 1200}},
        {"table": "structures", "row": {"id": 7, "siret": "73282932000074", "raison_sociale": "Ménuiserie",
                                        "libelle": "", "adresse": "1 rue A", "code_postal": "75011",
                                        "ville": "Paris", "secondary_powers": 0, "created_at": 1767225600000,
                                        "version": 1201, "identifier_type": "siret"}},
        {"table": "structure_bank_details", "row": {"id": 4, "structure_id": 7,
                                                    "iban": "FR7630006000011234567890189",
                                                    "bic": "AGRIFRPP882", "version": 1205}},
        {"table": "structure_self_service", "row": {"id": 1, "structure_id": 7, "space_id": 4,
                                                    "enabled_at": 1767225600000, "version": 1206}},
        {"table": "services", "row": {"id": 5, "structure_id": 7, "code": "ACH", "name": "Achats",
                                      "active": 1, "version": 1202}},
        {"table": "attachments", "row": {"id": 11, "user_id": 3, "structure_id": 7, "role": "principal",
                                         "whole_structure": 0, "valid_from": "2026-01-01",
                                         "valid_until": None, "status": "validated",
                                         "requested_at": 1767225600000, "decided_at": 1767225600000,
                                         "decided_by": 3, "decision_comment": "", "version": 1203,
                                         "services": [5]}},
        {"table": "structure_spaces", "row": {"id": 2, "structure_id": 7, "space_id": 3,
                                              "enabled_at": 1767225600000, "version": 1204}},
    ],
    "deleted": [{"table": "subscriptions", "id": 55}, {"table": "services", "id": 6}],
}
write("change_page", "page.json", json.dumps(page, ensure_ascii=False))
write("change_page", "empty.json", json.dumps({"checkpoint": 0, "more": False, "resets": [], "rows": [],
                                               "deleted": []}))
# The tables the change feed sends (core/sync/changefeed.cpp, tableSpecs).
tables = ["users", "structures", "structure_bank_details", "services", "structure_spaces",
          "structure_self_service", "attachments", "subscriptions", "attached_files", "solicitations",
          "solicitation_messages", "audit_log"]
write_dict("change_page", tables + ["checkpoint", "more", "resets", "rows", "deleted", "structure", "action",
                                    "drop", "refetch", "table", "row", "id", "services", "siret",
                                    "structure_id", "user_id", "space_id", "code", "email", "version",
                                    "identifier_type", "iban", "bic", "enabled_at", "removal_requested_at",
                                    "1e300", "-0", "9223372036854775807", "9223372036854775808", "null"])

# Text folding: first byte even = UTF-8.
for name, text in [("french", "Ménuiserie « Le Chêne » ŒUVRE Straße"), ("ligatures", "ﬁchier ǅ ½ Ⓐ"),
                   ("combining", "e\u0301" * 40 + "\u0345\u0301"), ("long_e", "é" * 600)]:
    write("textfold", name, b"\x00" + text.encode("utf-8"))
write("textfold", "utf16_surrogates", b"\x01" + "a\U0001F600b".encode("utf-16-le") + b"\x00\xd8" * 3)
