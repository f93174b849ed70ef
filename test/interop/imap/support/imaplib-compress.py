# Python imaplib has no COMPRESS; this client adds raw DEFLATE (RFC 4978) itself with zlib: after
# COMPRESS DEFLATE is answered OK, everything it sends is deflated with a sync flush per command and
# everything it reads is inflated. Over implicit TLS it fetches a big message (streamed by the
# server), runs SORT, THREAD and SEARCHRES, and prints one JSON object.
import imaplib
import json
import ssl
import sys
import zlib

tls_port, cafile, user, password, out_file = sys.argv[1:6]
imaplib.Commands['COMPRESS'] = ('AUTH', 'SELECTED')


class CompressedIMAP4(imaplib.IMAP4_SSL):
    compressed = False

    def compress(self):
        typ, data = self._simple_command('COMPRESS', 'DEFLATE')
        if typ != 'OK':
            raise self.error('COMPRESS refused: %r' % data)
        self.deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.inflater = zlib.decompressobj(-15)
        self.inflated = b''
        self.received = 0
        self.compressed = True

    def send(self, data):
        if self.compressed:
            data = self.deflater.compress(data) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
        super().send(data)

    def _more(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise self.abort('connection closed')
        self.received += len(chunk)
        self.inflated += self.inflater.decompress(chunk)

    def read(self, size):
        if not self.compressed:
            return super().read(size)
        while len(self.inflated) < size:
            self._more()
        out, self.inflated = self.inflated[:size], self.inflated[size:]
        return out

    def readline(self):
        if not self.compressed:
            return super().readline()
        while b'\n' not in self.inflated:
            self._more()
        end = self.inflated.index(b'\n') + 1
        out, self.inflated = self.inflated[:end], self.inflated[end:]
        return out


result = {}
ctx = ssl.create_default_context(cafile=cafile)
imap = CompressedIMAP4('127.0.0.1', int(tls_port), ssl_context=ctx)
imap.login(user, password)
imap.compress()
typ, data = imap.select('INBOX')
result['select'] = [typ, data[0].decode()]
typ, data = imap.uid('FETCH', '1', '(BODY.PEEK[])')
result['fetch'] = typ
with open(out_file, 'wb') as f:
    f.write(data[0][1])
typ, data = imap.uid('SORT', '(REVERSE SIZE)', 'UTF-8', 'ALL')
result['sort'] = data[0].decode()
typ, data = imap.uid('THREAD', 'REFERENCES', 'UTF-8', 'ALL')
result['thread'] = data[0].decode()
typ, data = imap.search(None, 'RETURN', '(SAVE)', 'SUBJECT', 'reply')
result['save'] = typ
typ, data = imap.fetch('$', '(UID)')
result['fetch_saved'] = [d.decode() for d in data if d]
result['compressed_bytes'] = imap.received
result['logout'] = imap.logout()[0]
print(json.dumps(result))
