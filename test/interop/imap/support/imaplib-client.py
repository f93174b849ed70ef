# Python imaplib against the server: STARTTLS on the plain port (LOGINDISABLED before it), login,
# LIST, CREATE/RENAME/DELETE, APPEND, STATUS, SELECT, IDLE by raw commands (imaplib has none) with a
# second connection over implicit TLS appending meanwhile, LOGOUT. Prints one JSON object.
import imaplib
import json
import ssl
import sys
import time

plain_port, tls_port, cafile, user, password, message_file = sys.argv[1:7]
result = {}
ctx = ssl.create_default_context(cafile=cafile)
with open(message_file, 'rb') as f:
    message = f.read()

imap = imaplib.IMAP4('127.0.0.1', int(plain_port))
result['before_tls'] = sorted(imap.capabilities)
imap.starttls(ssl_context=ctx)
result['after_tls'] = sorted(imap.capabilities)
typ, data = imap.login(user, password)
result['login'] = typ

typ, data = imap.list()
result['list'] = [line.decode() for line in data]

result['create'] = imap.create('Projects/Alpha')[0]
result['rename'] = imap.rename('Projects/Alpha', 'Projects/Beta')[0]
result['list_projects'] = [line.decode() for line in imap.list('""', 'Projects/*')[1] if line]
result['delete'] = imap.delete('Projects/Beta')[0]

date = imaplib.Time2Internaldate(time.mktime((2024, 2, 29, 12, 0, 0, 0, 0, -1)))
typ, data = imap.append('INBOX', '(\\Seen)', date, message)
# imaplib keeps response codes of the tagged OK: APPENDUID holds b'<uidvalidity> <uid>'.
result['append'] = [typ, imap.untagged_responses.get('APPENDUID', [b''])[-1].decode()]

typ, data = imap.status('INBOX', '(MESSAGES UNSEEN UIDNEXT SIZE)')
result['status'] = data[0].decode()

typ, data = imap.select('INBOX')
result['select'] = [typ, data[0].decode()]

# IDLE by hand: "+ idling", a delivery from another connection, "* n EXISTS", DONE.
tag = imap._new_tag()
imap.send(tag + b' IDLE\r\n')
result['idle_continuation'] = imap.readline().decode().strip()
other = imaplib.IMAP4_SSL('127.0.0.1', int(tls_port), ssl_context=ctx)
other.login(user, password)
other.append('INBOX', None, None, message)
other.logout()
pushed = imap.readline().decode().strip()
while 'EXISTS' not in pushed:
    pushed = imap.readline().decode().strip()
result['idle_pushed'] = pushed
imap.send(b'DONE\r\n')
line = imap.readline().decode().strip()
while not line.startswith(tag.decode()):
    line = imap.readline().decode().strip()
result['idle_done'] = line

typ, data = imap.logout()
result['logout'] = typ
print(json.dumps(result))
