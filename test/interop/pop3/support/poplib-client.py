"""Python poplib driven by a JSON plan, for the POP3 interop tests.

argv[1]: JSON {"port": int, "sslPort": int, "cafile": str, "steps": [[conn, op, *args], ...]}
Connections are numbered; ops: "stls" (connect to port, then STLS with the CA), "ssl" (POP3_SSL on
sslPort), "user", "pass", "stat", "list", "uidl", "retr", "top", "dele", "rset", "noop", "capa",
"quit", "drop" (close the socket without QUIT). Prints a JSON list with one result per step: the
response, message bytes as base64 (retr/top: lines joined with CRLF plus a final CRLF, i.e. the
message as sent), or {"error": "..."} for -ERR answers.
"""
import base64
import json
import poplib
import ssl
import sys


def main():
    plan = json.loads(sys.argv[1])
    context = ssl.create_default_context(cafile=plan["cafile"])
    conns = {}
    results = []
    for step in plan["steps"]:
        conn, op, args = step[0], step[1], step[2:]
        try:
            results.append(run(conns, conn, op, args, plan, context))
        except poplib.error_proto as e:
            results.append({"error": e.args[0].decode("utf-8", "replace")})
    print(json.dumps(results))


def text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def message_bytes(lines):
    return base64.b64encode(b"".join(line + b"\r\n" for line in lines)).decode()


def run(conns, conn, op, args, plan, context):
    if op == "stls":
        client = poplib.POP3("127.0.0.1", plan["port"], timeout=30)
        conns[conn] = client
        return text(client.stls(context=context))
    if op == "ssl":
        client = poplib.POP3_SSL("127.0.0.1", plan["sslPort"], context=context, timeout=30)
        conns[conn] = client
        return text(client.getwelcome())
    client = conns[conn]
    if op == "user":
        return text(client.user(args[0]))
    if op == "pass":
        return text(client.pass_(args[0]))
    if op == "stat":
        return list(client.stat())
    if op == "list":
        resp, lines, _ = client.list()
        return [text(line) for line in lines]
    if op == "uidl":
        resp, lines, _ = client.uidl()
        return [text(line) for line in lines]
    if op == "retr":
        resp, lines, octets = client.retr(args[0])
        return {"resp": text(resp), "bytes": message_bytes(lines), "octets": octets}
    if op == "top":
        resp, lines, octets = client.top(args[0], args[1])
        return {"resp": text(resp), "bytes": message_bytes(lines)}
    if op == "dele":
        return text(client.dele(args[0]))
    if op == "rset":
        return text(client.rset())
    if op == "noop":
        return text(client.noop())
    if op == "capa":
        return {k: v for k, v in client.capa().items()}
    if op == "quit":
        return text(client.quit())
    if op == "drop":
        client.sock.close()
        return "dropped"
    raise ValueError("unknown op " + op)


main()
