# Python imaplib against the server, for the message commands over implicit TLS: FETCH RFC822
# (written to a file so the test compares bytes), FETCH BODY.PEEK[HEADER.FIELDS], STORE +FLAGS and
# -FLAGS, UID SEARCH, UID COPY and UID MOVE. Prints one JSON object.
import imaplib
import json
import ssl
import sys

tls_port, cafile, user, password, out_file = sys.argv[1:6]
result = {}
ctx = ssl.create_default_context(cafile=cafile)

imap = imaplib.IMAP4_SSL('127.0.0.1', int(tls_port), ssl_context=ctx)
imap.login(user, password)
typ, data = imap.select('INBOX')
result['select'] = [typ, data[0].decode()]

typ, data = imap.fetch('1', '(RFC822)')
result['fetch_rfc822'] = typ
with open(out_file, 'wb') as f:
    f.write(data[0][1])
typ, data = imap.fetch('1', '(FLAGS)')
result['flags_after_rfc822'] = data[0].decode()

typ, data = imap.fetch('2', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
result['subject'] = data[0][1].decode()

typ, data = imap.store('2', '+FLAGS', '(\\Flagged $Later)')
result['store_add'] = [typ, data[0].decode()]
typ, data = imap.store('2', '-FLAGS', '($Later)')
result['store_remove'] = [typ, data[0].decode()]

typ, data = imap.uid('SEARCH', None, 'FLAGGED')
result['uid_search_flagged'] = data[0].decode()
typ, data = imap.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT', 'second')
result['uid_search_subject'] = data[0].decode()
typ, data = imap.search(None, 'UNSEEN')
result['search_unseen'] = data[0].decode()

typ, data = imap.uid('COPY', '1', 'Archive')
# imaplib keeps the tagged OK's response code: COPYUID holds b'<uidvalidity> <from> <to>'.
result['uid_copy'] = [typ, imap.untagged_responses.pop('COPYUID', [b''])[-1].decode()]
typ, data = imap.uid('MOVE', '2', 'Archive')
result['uid_move'] = typ
typ, data = imap.uid('SEARCH', None, 'ALL')
result['uid_search_after_move'] = data[0].decode()

result['logout'] = imap.logout()[0]
print(json.dumps(result))
