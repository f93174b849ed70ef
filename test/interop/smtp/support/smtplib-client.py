# Python's smtplib as an SMTP client for the interop tests. Usage:
#   smtplib-client.py <mode: starttls|ssl|plain> <port> <cafile> <user|-> <password|-> <auth: PLAIN|LOGIN|-> <from> <to,to> <message-file>
# Exit 0 when the message was accepted; on an SMTP error prints "<code> <text>" and exits 3.
import smtplib
import ssl
import sys

mode, port, cafile, user, password, auth, sender, recipients, message_file = sys.argv[1:10]
with open(message_file, "rb") as f:
    message = f.read()
context = ssl.create_default_context(cafile=cafile)
context.check_hostname = True
try:
    if mode == "ssl":
        client = smtplib.SMTP_SSL("localhost", int(port), context=context, timeout=10)
    else:
        client = smtplib.SMTP("localhost", int(port), timeout=10)
    client.ehlo("python.example")
    if mode == "starttls":
        client.starttls(context=context)
        client.ehlo("python.example")
    if user != "-":
        client.user, client.password = user, password
        if auth == "LOGIN":
            client.auth("LOGIN", client.auth_login, initial_response_ok=False)
        elif auth == "PLAIN":
            client.auth("PLAIN", client.auth_plain)
        else:
            client.login(user, password)
    refused = client.sendmail(sender, recipients.split(","), message)
    client.quit()
    if refused:
        print("refused", refused)
        sys.exit(4)
except smtplib.SMTPResponseException as e:
    print(e.smtp_code, e.smtp_error.decode(errors="replace"))
    sys.exit(3)
except smtplib.SMTPRecipientsRefused as e:
    print("recipients refused", e.recipients)
    sys.exit(4)
